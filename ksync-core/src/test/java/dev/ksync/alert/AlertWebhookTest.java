package dev.ksync.alert;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.budget.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The alert webhook against a real local HTTP receiver that answers what each test scripts. */
class AlertWebhookTest {
    private static final Instant T0 = Instant.parse("2026-03-02T04:05:06Z");

    private HttpServer server;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile String retryAfter;
    private final ManualClock clock = new ManualClock(T0);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status;
            synchronized (script) {
                status = script.isEmpty() ? 200 : script.poll();
            }
            if (retryAfter != null) exchange.getResponseHeaders().add("Retry-After", retryAfter);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        logs.start();
        ((Logger) LoggerFactory.getLogger(AlertWebhook.class)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(AlertWebhook.class)).detachAppender(logs);
        server.stop(0);
    }

    private Secret url() {
        return new Secret("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T0K3N_PATH?token=T0K3N_QUERY");
    }

    private AlertWebhook webhook(Secret url) {
        return new AlertWebhook(url, AlertWebhook.Retry.DEFAULT, clock.sleeper());
    }

    private static BackfillAlert failedAlert() {
        return new BackfillAlert(BackfillAlert.FAILED, "acme", "failed", 3, 7, 12, new BigDecimal("345.5"), "USD",
                List.of(new BackfillAlert.Error(T0.minusSeconds(60), LocalDate.parse("2026-02-25"), "Klaviyo answered 500")),
                T0);
    }

    private String logText() {
        return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void receiver_failing_the_first_two_attempts_gets_the_third_after_one_and_two_seconds() throws Exception {
        script.addAll(List.of(503, 500));
        try (AlertWebhook hook = webhook(url())) {
            assertThat(hook.deliver(failedAlert())).isEqualTo(new AlertWebhook.Delivery(true, 3, 200));
        }
        assertThat(Duration.between(T0, clock.instant())).isEqualTo(Duration.ofSeconds(3));
        assertThat(bodies).hasSize(3).containsOnly(bodies.get(0));
        assertThat(contentTypes).containsOnly("application/json");
        assertThat(bodies.get(2)).isEqualTo("{\"event\":\"backfill.failed\",\"client_id\":\"acme\",\"status\":\"failed\","
                + "\"days_completed\":3,\"days_total\":7,\"orders\":12,\"revenue\":345.50,\"currency\":\"USD\","
                + "\"errors\":[{\"at\":\"2026-03-02T04:04:06Z\",\"date\":\"2026-02-25\",\"message\":\"Klaviyo answered 500\"}],"
                + "\"at\":\"2026-03-02T04:05:06Z\"}");
    }

    @Test
    void receiver_failing_every_attempt_gets_five_then_a_warning_without_the_urls_path_or_query() {
        script.addAll(List.of(503, 503, 503, 503, 503, 503));
        AlertWebhook.Delivery d;
        try (AlertWebhook hook = webhook(url())) {
            d = hook.deliver(failedAlert());
        }
        assertThat(d).isEqualTo(new AlertWebhook.Delivery(false, 5, 503));
        assertThat(bodies).hasSize(5);
        assertThat(Duration.between(T0, clock.instant())).isEqualTo(Duration.ofSeconds(1 + 2 + 4 + 8));
        assertThat(logText()).contains("backfill.failed", "acme", "after 5 attempt(s): HTTP 503",
                        "http://127.0.0.1:" + server.getAddress().getPort())
                .doesNotContain("T0K3N", "/hooks");
    }

    @Test
    void a_client_error_is_not_retried() {
        script.add(400);
        try (AlertWebhook hook = webhook(url())) {
            assertThat(hook.deliver(failedAlert())).isEqualTo(new AlertWebhook.Delivery(false, 1, 400));
        }
        assertThat(clock.instant()).isEqualTo(T0);
    }

    @Test
    void too_many_requests_waits_the_retry_after_the_receiver_asks_for_within_the_cap() {
        script.addAll(List.of(429, 429));
        retryAfter = "7";
        try (AlertWebhook hook = webhook(url())) {
            assertThat(hook.deliver(failedAlert()).attempts()).isEqualTo(3);
        }
        assertThat(Duration.between(T0, clock.instant())).isEqualTo(Duration.ofSeconds(14));
        retryAfter = "3600";
        script.add(429);
        Instant before = clock.instant();
        try (AlertWebhook hook = webhook(url())) {
            assertThat(hook.deliver(failedAlert()).attempts()).isEqualTo(2);
        }
        assertThat(Duration.between(before, clock.instant())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_receiver_that_is_not_listening_is_retried_then_given_up_without_naming_its_path() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        AlertWebhook.Delivery d;
        try (AlertWebhook hook = webhook(new Secret("http://127.0.0.1:" + closedPort + "/x/T0K3N?token=T0K3N"))) {
            d = hook.deliver(failedAlert());
        }
        assertThat(d).isEqualTo(new AlertWebhook.Delivery(false, 5, 0));
        assertThat(logText()).contains("ConnectException").doesNotContain("T0K3N");
    }

    @Test
    void send_returns_while_the_receiver_is_still_answering_and_the_alert_arrives_later() throws Exception {
        hold = new CountDownLatch(1);
        try (AlertWebhook hook = webhook(url())) {
            hook.send(failedAlert());
            // send has returned although the receiver holds its answer: the backfill would go on
            hold.countDown();
        }
        assertThat(bodies).hasSize(1);
        assertThat(logText()).contains("delivered");
    }
}

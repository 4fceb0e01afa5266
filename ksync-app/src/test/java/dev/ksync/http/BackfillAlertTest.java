package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KSYNC_ALERT_WEBHOOK_URL wired into the real backfill: a test backfill run by the scheduler against the sandbox ends
 * in one backfill.completed POST (after a first attempt the receiver refuses) whose figures are the status's.
 */
class BackfillAlertTest {
    private static final String SECRET = "alert-secret";
    private static final ObjectMapper json = new ObjectMapper();
    private static final AtomicInteger attempts = new AtomicInteger();
    private static final LinkedBlockingQueue<String> delivered = new LinkedBlockingQueue<>();
    private static final List<String> paths = new CopyOnWriteArrayList<>();
    private static final HttpServer receiver = receiver();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .env("KSYNC_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts?token=t0k")
            .env("KSYNC_SCHEDULER_POLL_S", "1").env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF));

    /** Answers 503 to the first POST, 200 after; keeps the bodies it accepted. */
    private static HttpServer receiver() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/alerts", exchange -> {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                paths.add(exchange.getRequestURI().toString());
                boolean refuse = attempts.incrementAndGet() == 1;
                if (!refuse) delivered.add(body);
                exchange.sendResponseHeaders(refuse ? 503 : 204, -1);
                exchange.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @Test
    void a_completed_test_backfill_posts_one_completed_alert_with_the_status_figures() throws Exception {
        var ksync = rig.server().ksync;
        ksync.accounts().add(new AccountId("acme"), "Acme", new Secret(TestRig.SANDBOX_KEY));
        ksync.scheduler().start();
        String body;
        try {
            HttpResponse<String> started = rig.server().post("/api/backfill/start/acme?test_mode=true", SECRET, "");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            body = delivered.poll(120, TimeUnit.SECONDS); // waits on the running backfill, not on time
        } finally {
            ksync.scheduler().close();
        }
        assertThat(body).as("a backfill.completed alert within 120 s").isNotNull();
        JsonNode status = json.readTree(rig.server().get("/api/backfill/status/acme", SECRET).body());
        JsonNode alert = json.readTree(body);
        assertThat(alert.path("event").asText()).isEqualTo("backfill.completed");
        assertThat(alert.path("client_id").asText()).isEqualTo("acme");
        assertThat(alert.path("status").asText()).isEqualTo("completed").isEqualTo(status.path("status").asText());
        assertThat(alert.path("days_completed").asInt()).isEqualTo(7).isEqualTo(alert.path("days_total").asInt());
        assertThat(alert.path("orders").asLong()).isEqualTo(status.path("counts").path("orders").asLong());
        assertThat(alert.path("revenue").decimalValue()).isEqualByComparingTo(status.path("revenue").decimalValue());
        assertThat(alert.path("currency").asText(null)).isEqualTo(status.path("currency").asText(null));
        assertThat(alert.path("errors")).isEmpty();
        assertThat(alert.path("at").asText()).isEqualTo(status.path("completed_at").asText());
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(paths).containsOnly("/alerts?token=t0k");
    }
}

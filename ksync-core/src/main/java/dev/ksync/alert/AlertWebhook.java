package dev.ksync.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ksync.backfill.BackfillListener;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.budget.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs {@link BackfillAlert}s to {@code KSYNC_ALERT_WEBHOOK_URL}: a {@link BackfillListener} told of every backfill
 * that completes or fails on this node. {@link #send} hands the alert to a background
 * thread and returns at once, so a slow or broken receiver never holds a backfill up; {@link #deliver} is the
 * delivery itself: up to {@link Retry#attempts()} attempts with doubling pauses, retrying network errors, 408, 429
 * and 5xx. A failure is logged by event, account and the receiver's host only: the URL's path and query often hold
 * its token.
 */
public final class AlertWebhook implements BackfillListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertWebhook.class);

    /** Attempts and pauses: {@code first}, doubling, never more than {@code max} (nor a Retry-After above it). */
    public record Retry(int attempts, Duration first, Duration max) {
        public static final Retry DEFAULT = new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

        public Retry {
            if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
            Objects.requireNonNull(first, "first is null");
            Objects.requireNonNull(max, "max is null");
        }

        Duration pauseAfter(int attempt) {
            Duration d = first.multipliedBy(1L << Math.min(attempt - 1, 20));
            return d.compareTo(max) > 0 ? max : d;
        }
    }

    /** How a delivery ended: delivered or not, after how many attempts, the last HTTP status (0 for none). */
    public record Delivery(boolean delivered, int attempts, int lastStatus) {}

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final HttpClient http;
    private final Retry retry;
    private final Sleeper sleeper;
    private final ExecutorService background;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public AlertWebhook(Secret url, Retry retry, Sleeper sleeper) {
        this.url = URI.create(Objects.requireNonNull(url, "url is null").value());
        this.retry = Objects.requireNonNull(retry, "retry is null");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper is null");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.background = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ksync-alert-", 0).factory());
    }

    /** The webhook of {@code KSYNC_ALERT_WEBHOOK_URL}, or none when it is not set. */
    public static Optional<AlertWebhook> forUrl(Optional<Secret> url) {
        return url.map(u -> new AlertWebhook(u, Retry.DEFAULT, Sleeper.system()));
    }

    @Override
    public void completed(BackfillStatus status) {
        send(BackfillAlert.of(BackfillAlert.COMPLETED, status));
    }

    @Override
    public void failed(BackfillStatus status) {
        send(BackfillAlert.of(BackfillAlert.FAILED, status));
    }

    /** Queues the alert for delivery and returns at once; alerts go out one at a time, in order. */
    public void send(BackfillAlert alert) {
        Objects.requireNonNull(alert, "alert is null");
        try {
            background.execute(() -> deliver(alert));
        } catch (RejectedExecutionException e) {
            log.warn("Alert {} for account {} not sent: ksync is shutting down", alert.event(), alert.clientId());
        }
    }

    /** Delivers one alert now, retrying as {@link Retry} allows; never throws for a receiver's failure. */
    public Delivery deliver(BackfillAlert alert) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An alert could not be written as JSON", e);
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", "ksync-alert")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        int status = 0;
        String problem = "";
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            OptionalLong retryAfter = OptionalLong.empty();
            try {
                HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
                status = answer.statusCode();
                if (status / 100 == 2) {
                    log.info("Alert {} for account {} delivered to {} (attempt {})", alert.event(), alert.clientId(),
                            host(), attempt);
                    return new Delivery(true, attempt, status);
                }
                problem = "HTTP " + status;
                if (!retryable(status)) {
                    return failed(alert, attempt, status, problem);
                }
                retryAfter = answer.headers().firstValueAsLong("Retry-After");
            } catch (IOException e) {
                // the exception's class only: some messages repeat the address
                problem = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(alert, attempt, status, "interrupted");
            }
            if (attempt < retry.attempts()) {
                Duration pause = retry.pauseAfter(attempt);
                if (retryAfter.isPresent() && retryAfter.getAsLong() >= 0) {
                    Duration asked = Duration.ofSeconds(retryAfter.getAsLong());
                    pause = asked.compareTo(retry.max()) > 0 ? retry.max() : asked;
                }
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return failed(alert, attempt, status, "interrupted");
                }
            }
        }
        return failed(alert, retry.attempts(), status, problem);
    }

    private Delivery failed(BackfillAlert alert, int attempts, int status, String problem) {
        log.warn("Alert {} for account {} not delivered to {} after {} attempt(s): {}", alert.event(),
                alert.clientId(), host(), attempts, problem);
        return new Delivery(false, attempts, status);
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** What a log may say about the receiver: scheme, host and port, never path, query or user info. */
    String host() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** Lets queued alerts go out for up to {@code grace}, then stops. */
    public void close(Duration grace) {
        background.shutdown();
        try {
            if (!background.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            background.shutdownNow();
            Thread.currentThread().interrupt();
        }
        http.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

package dev.ksync.klaviyo.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.budget.AccountBudgets;
import dev.ksync.klaviyo.budget.RateLimitHeaders;
import dev.ksync.klaviyo.budget.Sleeper;
import dev.ksync.klaviyo.budget.WindowedBudget;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.error.CallInterrupted;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.stats.CallRecorder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one Klaviyo operation: auth and revision headers, rate budget, retries, error mapping,
 * accounting. Everything protocol-wide is here once, never per endpoint.
 */
public final class Caller {
    private static final Logger log = LoggerFactory.getLogger(Caller.class);

    /** Dependencies of a caller; {@code global} may be null (no process-wide limit). */
    public record Setup(String revision, Duration timeout, ApiKey apiKey, HttpTransport transport, RetryPolicy policy,
                        AccountBudgets budgets, WindowedBudget global, CallRecorder recorder, Clock clock,
                        Sleeper sleeper, DoubleSupplier random, ObjectMapper json) {
        public Setup {
            Objects.requireNonNull(revision, "revision is null");
            Objects.requireNonNull(timeout, "timeout is null");
            Objects.requireNonNull(apiKey, "apiKey is null");
            Objects.requireNonNull(transport, "transport is null");
            Objects.requireNonNull(policy, "policy is null");
            Objects.requireNonNull(budgets, "budgets is null");
            Objects.requireNonNull(recorder, "recorder is null");
            Objects.requireNonNull(clock, "clock is null");
            Objects.requireNonNull(sleeper, "sleeper is null");
            Objects.requireNonNull(random, "random is null");
            Objects.requireNonNull(json, "json is null");
        }
    }

    private final Setup s;

    public Caller(Setup setup) {
        this.s = Objects.requireNonNull(setup, "setup is null");
    }

    /**
     * How a 2xx body becomes the answer. An {@link IOException} says the body does not parse: it was cut off
     * mid-way, and the same call again is safe.
     */
    @FunctionalInterface
    public interface Body<T> {
        T read(byte[] body, ObjectMapper json) throws IOException;
    }

    /** The answer as a Jackson tree (a null node for an empty body). */
    public static final Body<JsonNode> TREE = (body, json) -> body.length == 0 ? json.nullNode() : json.readTree(body);

    public JsonNode get(Endpoint endpoint, URI uri, boolean predictive) {
        return get(endpoint, uri, predictive, TREE);
    }

    public <T> T get(Endpoint endpoint, URI uri, boolean predictive, Body<T> body) {
        return execute(endpoint, "GET", uri, null, predictive, body);
    }

    public JsonNode post(Endpoint endpoint, URI uri, JsonNode body) {
        try {
            return execute(endpoint, "POST", uri, s.json().writeValueAsBytes(body), false, TREE);
        } catch (JsonProcessingException e) {
            throw new KlaviyoException.Protocol(endpoint.operationId(), "cannot write request body", e);
        }
    }

    private <T> T execute(Endpoint ep, String method, URI uri, byte[] body, boolean predictive, Body<T> reader) {
        String op = ep.operationId();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", s.apiKey().authorizationHeader());
        headers.put("revision", s.revision());
        headers.put("Accept", "application/vnd.api+json");
        if (body != null) headers.put("Content-Type", "application/vnd.api+json");
        HttpCall call = new HttpCall(method, uri, headers, body, s.timeout());
        WindowedBudget budget = s.budgets().forCall(ep, predictive);
        int failedAttempts = 0;
        int throttles = 0;
        int timeouts = 0;
        try {
            while (true) {
                Duration waited = budget.acquire(op, s.sleeper(), s.policy().maxBudgetWait());
                if (s.global() != null) waited = waited.plus(s.global().acquire(op, s.sleeper(), s.policy().maxBudgetWait()));
                s.recorder().budgetWait(op, waited);

                Instant start = s.clock().instant();
                HttpAnswer answer;
                String retryReason;
                try {
                    answer = s.transport().send(call);
                } catch (IOException e) {
                    s.recorder().call(op, 0, Duration.between(start, s.clock().instant()));
                    // an I/O error an interrupt caused (a channel closed by it) is the stop, not the network
                    if (e instanceof ClosedByInterruptException
                            || Thread.currentThread().isInterrupted()) {
                        Thread.currentThread().interrupt();
                        throw new CallInterrupted(op, e);
                    }
                    failedAttempts++;
                    IOException redacted = new IOException(s.apiKey().redact(e.getMessage()), e);
                    if (isUnanswered(e) && ++timeouts >= s.policy().maxTimeouts()) {
                        throw KlaviyoException.Transport.unanswered(op, s.timeout(), timeouts, failedAttempts, redacted);
                    }
                    if (failedAttempts >= s.policy().maxAttempts()) {
                        throw new KlaviyoException.Transport(op, failedAttempts, redacted);
                    }
                    backoff(op, failedAttempts, e.getClass().getSimpleName());
                    continue;
                }
                Instant answered = s.clock().instant();
                s.recorder().call(op, answer.status(), Duration.between(start, answered));
                budget.observe(RateLimitHeaders.parse(answer.header("ratelimit-limit"),
                        answer.header("ratelimit-remaining"), answer.header("ratelimit-reset")), start, answered);
                // Klaviyo's headers are the account's; the global budget learns only the round trip
                if (s.global() != null) s.global().observe(RateLimitHeaders.none(), start, answered);
                int status = answer.status();
                if (status >= 200 && status < 300) {
                    try {
                        return reader.read(answer.body(), s.json());
                    } catch (IOException e) {
                        retryReason = "cut body";
                    }
                } else if (status == 429) {
                    ErrorDoc err = errorDoc(answer);
                    Duration retryAfter = retryAfter(answer.header("retry-after"), failedAttempts + throttles + 1);
                    Instant resumeAt = s.clock().instant().plus(retryAfter);
                    if (throttles >= s.policy().maxThrottleRetries() || retryAfter.compareTo(s.policy().maxRetryAfter()) > 0) {
                        throw new KlaviyoException.RateLimited(op, err.code(), err.detail(), resumeAt);
                    }
                    throttles++;
                    // every thread of this budget waits out Retry-After, not only this one
                    long jitter = (long) (s.random().getAsDouble() * s.policy().retryAfterJitter().toMillis());
                    budget.pauseUntil(resumeAt.plusMillis(jitter));
                    s.recorder().retry(op, "429", Duration.ZERO);
                    log.debug("{} throttled, retrying after {} ms", op, retryAfter.toMillis() + jitter);
                    continue;
                } else if (status >= 500 || status == 408) {
                    retryReason = String.valueOf(status);
                    failedAttempts++;
                    if (failedAttempts >= s.policy().maxAttempts()) {
                        ErrorDoc err = errorDoc(answer);
                        s.recorder().failure(op, "Upstream");
                        throw new KlaviyoException.Upstream(op, status, err.code(), err.detail(), failedAttempts);
                    }
                    backoff(op, failedAttempts, retryReason);
                    continue;
                } else {
                    throw clientError(ep, status, errorDoc(answer));
                }
                failedAttempts++;
                if (failedAttempts >= s.policy().maxAttempts()) {
                    s.recorder().failure(op, "Upstream");
                    throw new KlaviyoException.Upstream(op, answer.status(), null, retryReason, failedAttempts);
                }
                backoff(op, failedAttempts, retryReason);
            }
        } catch (InterruptedException e) {
            // a budget wait, a backoff or the send was interrupted: the caller is stopping, Klaviyo is not at fault
            Thread.currentThread().interrupt();
            throw new CallInterrupted(op, e);
        } catch (KlaviyoException.DailyCapReached | KlaviyoException.RateLimited | KlaviyoException.Transport e) {
            s.recorder().failure(op, e.getClass().getSimpleName());
            throw e;
        }
    }

    private KlaviyoException clientError(Endpoint ep, int status, ErrorDoc err) {
        KlaviyoException e = switch (status) {
            case 401 -> new KlaviyoException.Unauthorized(ep.operationId(), err.code(), err.detail());
            case 403 -> new KlaviyoException.Forbidden(ep.operationId(), err.code(), err.detail(), ep.scope());
            case 404 -> new KlaviyoException.NotFound(ep.operationId(), err.code(), err.detail());
            default -> new KlaviyoException.BadRequest(ep.operationId(), status, err.code(), err.detail());
        };
        s.recorder().failure(ep.operationId(), e.getClass().getSimpleName());
        return e;
    }

    /**
     * The request was sent and no answer came within its timeout: Klaviyo hangs. A connection not made in time is
     * the network's, retried as the other I/O errors are.
     */
    private static boolean isUnanswered(IOException e) {
        return e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException);
    }

    private void backoff(String op, int failedAttempts, String reason) throws InterruptedException {
        Duration d = s.policy().backoff(failedAttempts, s.random().getAsDouble());
        s.recorder().retry(op, reason, d);
        log.debug("{} failed ({}), attempt {} retrying in {} ms", op, reason, failedAttempts, d.toMillis());
        s.sleeper().sleep(d);
    }

    /** Retry-After in seconds or as an HTTP date; without one, the backoff schedule. */
    private Duration retryAfter(String header, int attempt) {
        if (header != null) {
            String h = header.trim();
            try {
                return Duration.ofMillis((long) (Double.parseDouble(h) * 1000));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration d = Duration.between(s.clock().instant(),
                            ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (RuntimeException notDate) {
                    // fall through to backoff
                }
            }
        }
        return s.policy().backoff(attempt, s.random().getAsDouble());
    }

    private record ErrorDoc(String code, String detail) {}

    /** Klaviyo's first {@code errors[]} item; a non-JSON body becomes the detail (key masked, trimmed). */
    private ErrorDoc errorDoc(HttpAnswer answer) {
        try {
            JsonNode e = s.json().readTree(answer.body()).path("errors").path(0);
            if (e.isObject()) {
                String detail = e.path("detail").asText(null);
                if (detail == null) detail = e.path("title").asText(null);
                return new ErrorDoc(e.path("code").asText(null), s.apiKey().redact(detail));
            }
        } catch (IOException | RuntimeException ignored) {
            // not a Klaviyo error document
        }
        String text = new String(answer.body(), StandardCharsets.UTF_8).strip();
        if (text.length() > 200) text = text.substring(0, 200) + "…";
        return new ErrorDoc(null, text.isEmpty() ? null : s.apiKey().redact(text));
    }
}

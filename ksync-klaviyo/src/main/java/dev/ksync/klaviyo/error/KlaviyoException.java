package dev.ksync.klaviyo.error;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Every failure of a Klaviyo call. Carries Klaviyo's HTTP status, error code and detail (when
 * Klaviyo answered), the operation, and a message saying what to do. Never contains the API key:
 * messages are built from Klaviyo's error document and our own text only.
 */
public abstract sealed class KlaviyoException extends RuntimeException {
    private final String operation;
    private final int status;
    private final String code;
    private final String detail;

    KlaviyoException(String operation, int status, String code, String detail, String message, Throwable cause) {
        super(message, cause);
        this.operation = Objects.requireNonNullElse(operation, "?");
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    /** The operationId of the failed call. */
    public String operation() { return operation; }
    /** Klaviyo's HTTP status, or 0 when no answer arrived. */
    public int status() { return status; }
    /** Klaviyo's error code (e.g. {@code not_authenticated}, {@code throttled}), or null. */
    public String code() { return code; }
    /** Klaviyo's error detail, or null. */
    public String detail() { return detail; }

    /** Whose move this failure is. */
    public abstract Blame blame();

    /** When the same call may succeed, if Klaviyo said (a 429's Retry-After, the daily cap's reset). */
    public Optional<Instant> retryAt() {
        return Optional.empty();
    }

    private static String klaviyoSaid(String code, String detail) {
        if (code == null && detail == null) return "";
        return " Klaviyo said: " + (code == null ? "" : code + ": ") + Objects.requireNonNullElse(detail, "");
    }

    /** 401: the key is missing, wrong or revoked. */
    public static final class Unauthorized extends KlaviyoException {
        public Unauthorized(String op, String code, String detail) {
            super(op, 401, code, detail, "Klaviyo rejected the API key (401) on " + op
                    + ": check the account's private API key." + klaviyoSaid(code, detail), null);
        }
        @Override public Blame blame() { return Blame.USER; }
    }

    /** 403: the key lacks a scope. */
    public static final class Forbidden extends KlaviyoException {
        public Forbidden(String op, String code, String detail, String scope) {
            super(op, 403, code, detail, "Klaviyo refused " + op + " (403): give the account's API key the scope "
                    + (scope == null ? "this endpoint needs" : "'" + scope + "'") + "." + klaviyoSaid(code, detail), null);
        }
        @Override public Blame blame() { return Blame.USER; }
    }

    /** 400 and other 4xx that retrying cannot fix (bad filter, body, field, retired revision). */
    public static final class BadRequest extends KlaviyoException {
        public BadRequest(String op, int status, String code, String detail) {
            super(op, status, code, detail, "Klaviyo rejected the request to " + op + " (" + status
                    + "): fix the query or the configured revision." + klaviyoSaid(code, detail), null);
        }
        @Override public Blame blame() { return Blame.USER; }
    }

    /** 404: unknown id. */
    public static final class NotFound extends KlaviyoException {
        public NotFound(String op, String code, String detail) {
            super(op, 404, code, detail, "Klaviyo has no such resource for " + op
                    + " (404): check the id." + klaviyoSaid(code, detail), null);
        }
        @Override public Blame blame() { return Blame.USER; }
    }

    /** Still throttled after the retry budget, or asked to wait longer than the policy allows. */
    public static final class RateLimited extends KlaviyoException {
        private final Instant resumeAt;
        public RateLimited(String op, String code, String detail, Instant resumeAt) {
            super(op, 429, code, detail, "Klaviyo rate limit reached for " + op + ": try again after " + resumeAt
                    + "." + klaviyoSaid(code, detail), null);
            this.resumeAt = resumeAt;
        }
        public Instant resumeAt() { return resumeAt; }
        @Override public Optional<Instant> retryAt() { return Optional.ofNullable(resumeAt); }
        @Override public Blame blame() { return Blame.EXTERNAL; }
    }

    /** The account's daily cap (225 report calls) is used up; no call was sent. */
    public static final class DailyCapReached extends KlaviyoException {
        private final Instant resumeAt;
        public DailyCapReached(String op, int dailyLimit, Instant resumeAt) {
            super(op, 0, "daily_cap", null, "The account has used its " + dailyLimit + " daily calls of " + op
                    + ": report calls can resume at " + resumeAt + ".", null);
            this.resumeAt = resumeAt;
        }
        public Instant resumeAt() { return resumeAt; }
        @Override public Optional<Instant> retryAt() { return Optional.ofNullable(resumeAt); }
        @Override public Blame blame() { return Blame.EXTERNAL; }
    }

    /** 5xx (or an unreadable answer) that persisted through every retry. */
    public static final class Upstream extends KlaviyoException {
        public Upstream(String op, int status, String code, String detail, int attempts) {
            super(op, status, code, detail, "Klaviyo failed on " + op + " (" + status + ") after " + attempts
                    + " attempts: Klaviyo is having trouble, try again later." + klaviyoSaid(code, detail), null);
        }
        @Override public Blame blame() { return Blame.EXTERNAL; }
    }

    /** Timeouts, refused connections and cut-off bodies that persisted through every retry. */
    public static final class Transport extends KlaviyoException {
        public Transport(String op, int attempts, Throwable cause) {
            this(op, "Could not reach Klaviyo for " + op + " after " + attempts
                    + " attempts (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    + "): check the network and KLAVIYO_BASE_URL.", cause);
        }

        private Transport(String op, String message, Throwable cause) {
            super(op, 0, null, null, message, cause);
        }

        /** Klaviyo took the request {@code times} times and never answered within {@code timeout}: it hangs. */
        public static Transport unanswered(String op, Duration timeout, int times, int attempts, Throwable cause) {
            String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
            return new Transport(op, "Klaviyo did not answer " + op + " within " + limit + ", " + times + " times"
                    + (attempts > times ? " (" + attempts + " attempts in all)" : "")
                    + ": Klaviyo is not responding, try again later; if it persists, check the network and"
                    + " KLAVIYO_BASE_URL.", cause);
        }
        @Override public Blame blame() { return Blame.EXTERNAL; }
    }

    /** A 2xx answer that does not have the shape we rely on. */
    public static final class Protocol extends KlaviyoException {
        public Protocol(String op, String problem, Throwable cause) {
            super(op, 0, null, null, "Unexpected answer from Klaviyo for " + op + ": " + problem, cause);
        }
        @Override public Blame blame() { return Blame.INTERNAL; }
    }
}

package dev.ksync.klaviyo.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard to try. 429s are retried after {@code Retry-After} (+ up to {@code retryAfterJitter}) up
 * to {@code maxThrottleRetries} times unless Klaviyo asks for more than {@code maxRetryAfter};
 * 5xx, timeouts, I/O errors and cut bodies are retried with exponential backoff with jitter
 * (base × 2^n capped at {@code maxBackoff}) up to {@code maxAttempts} attempts in all.
 *
 * @param maxTimeouts   attempts of one call that may end without an answer within the request timeout (counted
 *                      among {@code maxAttempts} too): each holds the caller a whole timeout, and once Klaviyo hangs
 *                      more of them rarely help, so a hung Klaviyo fails a call after this many timeouts, not
 *                      {@code maxAttempts} of them
 * @param maxBudgetWait the longest a single call may wait on its local rate budget before failing
 */
public record RetryPolicy(int maxAttempts, int maxTimeouts, Duration baseBackoff, Duration maxBackoff, int maxThrottleRetries,
                          Duration maxRetryAfter, Duration retryAfterJitter, Duration maxBudgetWait) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, 2, Duration.ofMillis(500), Duration.ofSeconds(30), 30,
            Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofMinutes(5));

    public RetryPolicy {
        if (maxAttempts < 1 || maxTimeouts < 1 || maxThrottleRetries < 0) throw new IllegalArgumentException("attempts must be positive");
        Objects.requireNonNull(baseBackoff, "baseBackoff is null");
        Objects.requireNonNull(maxBackoff, "maxBackoff is null");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter is null");
        Objects.requireNonNull(retryAfterJitter, "retryAfterJitter is null");
        Objects.requireNonNull(maxBudgetWait, "maxBudgetWait is null");
    }

    /** Backoff before attempt {@code failedAttempts + 1}: a uniform draw in [0.5, 1] of the capped exponential. */
    public Duration backoff(int failedAttempts, double random01) {
        long base = baseBackoff.toMillis() << Math.min(20, Math.max(0, failedAttempts - 1));
        long capped = Math.min(base, maxBackoff.toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random01)));
    }

    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(n, maxTimeouts, baseBackoff, maxBackoff, maxThrottleRetries, maxRetryAfter, retryAfterJitter, maxBudgetWait);
    }

    public RetryPolicy withMaxTimeouts(int n) {
        return new RetryPolicy(maxAttempts, n, baseBackoff, maxBackoff, maxThrottleRetries, maxRetryAfter, retryAfterJitter, maxBudgetWait);
    }

    public RetryPolicy withBackoff(Duration base, Duration max) {
        return new RetryPolicy(maxAttempts, maxTimeouts, base, max, maxThrottleRetries, maxRetryAfter, retryAfterJitter, maxBudgetWait);
    }
}

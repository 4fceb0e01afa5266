package dev.ksync.schedule;

import java.time.Duration;

/**
 * How a failed run is tried again: {@code first} after its first failure, each wait twice the one before, for
 * {@code retries} retries; the failure after the last is final.
 */
public record Backoff(Duration first, int retries) {
    public Backoff {
        if (first.isNegative() || first.isZero() || retries < 0) {
            throw new IllegalArgumentException("a backoff waits a positive time for zero or more retries");
        }
    }

    /** Whether the {@code failure}th failure (1-based) is tried again. */
    public boolean retries(int failure) {
        return failure <= retries;
    }

    /** The wait after the {@code failure}th failure (1-based). */
    public Duration delay(int failure) {
        return first.multipliedBy(1L << (failure - 1));
    }
}

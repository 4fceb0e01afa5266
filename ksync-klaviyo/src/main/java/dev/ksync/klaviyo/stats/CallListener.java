package dev.ksync.klaviyo.stats;

import java.time.Duration;

/**
 * Receives every accounting event as it happens, so ksync-app can feed Micrometer counters
 * without this module depending on Micrometer. Implementations must be fast and thread-safe.
 */
public interface CallListener {
    /** A request was answered (status 0 when no answer came: timeout, I/O error). */
    default void onCall(String operationId, int status, Duration latency) {}

    default void onRetry(String operationId, String reason) {}

    default void onBudgetWait(String operationId, Duration waited) {}

    default void onFailure(String operationId, String errorType) {}

    CallListener NONE = new CallListener() {};
}

package dev.ksync.klaviyo.stats;

/**
 * What one endpoint cost.
 *
 * @param calls        HTTP requests sent (each retry is a call: Klaviyo counts it)
 * @param throttled    429 answers
 * @param retries      calls repeated after a 429, 5xx, timeout, I/O error or cut body
 * @param failures     calls that ended in an error for the caller
 * @param budgetWaitMs milliseconds spent waiting on rate budgets (incl. Retry-After pauses)
 * @param backoffMs    milliseconds spent in exponential backoff after 5xx and I/O errors
 */
public record EndpointStats(long calls, long throttled, long retries, long failures, long budgetWaitMs, long backoffMs) {
    public static final EndpointStats ZERO = new EndpointStats(0, 0, 0, 0, 0, 0);

    public EndpointStats plus(EndpointStats o) {
        return new EndpointStats(calls + o.calls, throttled + o.throttled, retries + o.retries,
                failures + o.failures, budgetWaitMs + o.budgetWaitMs, backoffMs + o.backoffMs);
    }
}

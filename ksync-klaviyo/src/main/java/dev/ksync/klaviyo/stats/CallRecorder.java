package dev.ksync.klaviyo.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts calls per endpoint (thread-safe) and forwards each event to a {@link CallListener}. */
public final class CallRecorder {
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private final CallListener listener;

    public CallRecorder(CallListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener is null");
    }

    public void call(String op, int status, Duration latency) {
        Counters c = of(op);
        c.calls.increment();
        if (status == 429) c.throttled.increment();
        listener.onCall(op, status, latency);
    }

    public void retry(String op, String reason, Duration backoff) {
        Counters c = of(op);
        c.retries.increment();
        c.backoffMs.add(backoff.toMillis());
        listener.onRetry(op, reason);
    }

    public void budgetWait(String op, Duration waited) {
        if (waited.isZero()) return;
        of(op).budgetWaitMs.add(waited.toMillis());
        listener.onBudgetWait(op, waited);
    }

    public void failure(String op, String errorType) {
        of(op).failures.increment();
        listener.onFailure(op, errorType);
    }

    public CallStats snapshot() {
        Map<String, EndpointStats> m = new HashMap<>();
        counters.forEach((k, c) -> m.put(k, new EndpointStats(c.calls.sum(), c.throttled.sum(), c.retries.sum(),
                c.failures.sum(), c.budgetWaitMs.sum(), c.backoffMs.sum())));
        return CallStats.of(m);
    }

    private Counters of(String op) {
        return counters.computeIfAbsent(op, k -> new Counters());
    }

    private static final class Counters {
        final LongAdder calls = new LongAdder();
        final LongAdder throttled = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder budgetWaitMs = new LongAdder();
        final LongAdder backoffMs = new LongAdder();
    }
}

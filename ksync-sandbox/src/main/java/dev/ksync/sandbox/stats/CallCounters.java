package dev.ksync.sandbox.stats;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sandbox served, per API key and operation id, counted on Klaviyo's side of the wire so that tests can
 * check a client's call counts without trusting its own diagnostics. Safe under concurrent requests.
 */
public final class CallCounters {
    private final Map<String, Map<String, Counts>> byKey = new ConcurrentHashMap<>();

    /** One operation's counts: every authenticated request, the 429s among them, the injected faults among them. */
    public record Operation(long requests, long throttled, long faults) {}

    private static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder throttled = new LongAdder();
        final LongAdder faults = new LongAdder();
    }

    private Counts of(String key, String operationId) {
        return byKey.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).computeIfAbsent(operationId, o -> new Counts());
    }

    public void request(String key, String operationId) { of(key, operationId).requests.increment(); }

    /** A 429, from the rate limiter or an injected fault. */
    public void throttled(String key, String operationId) { of(key, operationId).throttled.increment(); }

    /** An injected fault of any kind (429, 5xx, slow, cut). */
    public void fault(String key, String operationId) { of(key, operationId).faults.increment(); }

    /** Key → operation id → counts, both sorted; operations with nothing counted since the last reset are left out. */
    public SortedMap<String, SortedMap<String, Operation>> snapshot() {
        SortedMap<String, SortedMap<String, Operation>> out = new TreeMap<>();
        byKey.forEach((key, ops) -> ops.forEach((op, c) -> {
            Operation o = new Operation(c.requests.sum(), c.throttled.sum(), c.faults.sum());
            if (!o.equals(new Operation(0, 0, 0))) out.computeIfAbsent(key, k -> new TreeMap<>()).put(op, o);
        }));
        out.replaceAll((k, v) -> Collections.unmodifiableSortedMap(v));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Zeroes every counter (the adders stay, so a request in flight counts on one side of the reset or the other). */
    public void reset() {
        byKey.values().forEach(ops -> ops.values().forEach(c -> {
            c.requests.reset();
            c.throttled.reset();
            c.faults.reset();
        }));
    }
}

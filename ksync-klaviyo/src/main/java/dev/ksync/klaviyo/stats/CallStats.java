package dev.ksync.klaviyo.stats;

import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of call accounting, per operationId, ready to be serialised into a job's
 * {@code diagnostics} (a record of maps and longs: Jackson writes it as is).
 */
public record CallStats(Map<String, EndpointStats> endpoints, EndpointStats total) {
    public CallStats {
        endpoints = Map.copyOf(endpoints);
    }

    public static CallStats of(Map<String, EndpointStats> endpoints) {
        EndpointStats total = endpoints.values().stream().reduce(EndpointStats.ZERO, EndpointStats::plus);
        return new CallStats(new TreeMap<>(endpoints), total);
    }

    public EndpointStats endpoint(String operationId) {
        return endpoints.getOrDefault(operationId, EndpointStats.ZERO);
    }

    /** What happened between {@code earlier} and this snapshot (e.g. one job's share of a shared client). */
    public CallStats minus(CallStats earlier) {
        Map<String, EndpointStats> m = new TreeMap<>();
        endpoints.forEach((k, v) -> {
            EndpointStats e = earlier.endpoint(k);
            m.put(k, new EndpointStats(v.calls() - e.calls(), v.throttled() - e.throttled(), v.retries() - e.retries(),
                    v.failures() - e.failures(), v.budgetWaitMs() - e.budgetWaitMs(), v.backoffMs() - e.backoffMs()));
        });
        return of(m);
    }
}

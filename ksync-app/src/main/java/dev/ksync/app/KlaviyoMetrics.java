package dev.ksync.app;

import dev.ksync.klaviyo.stats.CallListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Klaviyo call accounting as Micrometer meters (ksync_klaviyo_* on /metrics), per operation. */
final class KlaviyoMetrics implements CallListener {
    private final MeterRegistry registry;

    KlaviyoMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onCall(String operationId, int status, Duration latency) {
        Timer.builder("ksync.klaviyo.calls")
                .description("Klaviyo API calls by operation and HTTP status (0: no answer)")
                .tag("operation", operationId)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(latency);
    }

    @Override
    public void onRetry(String operationId, String reason) {
        Counter.builder("ksync.klaviyo.retries").tag("operation", operationId).tag("reason", reason)
                .register(registry).increment();
    }

    @Override
    public void onBudgetWait(String operationId, Duration waited) {
        Timer.builder("ksync.klaviyo.budget.wait")
                .description("Time spent waiting for Klaviyo rate budgets")
                .tag("operation", operationId)
                .register(registry)
                .record(waited);
    }

    @Override
    public void onFailure(String operationId, String errorType) {
        Counter.builder("ksync.klaviyo.failures").tag("operation", operationId).tag("type", errorType)
                .register(registry).increment();
    }
}

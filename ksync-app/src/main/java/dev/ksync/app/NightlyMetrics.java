package dev.ksync.app;

import dev.ksync.accounts.AccountId;
import dev.ksync.schedule.NightlyListener;
import dev.ksync.schedule.NightlyStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Nightly runs as Micrometer meters (ksync_nightly_runs_seconds_* on /metrics): count and duration per account and outcome. */
final class NightlyMetrics implements NightlyListener {
    private final MeterRegistry registry;

    NightlyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onNightlyRun(AccountId account, NightlyStatus outcome, Duration duration) {
        Timer.builder("ksync.nightly.runs")
                .description("Nightly update runs by account and outcome (succeeded, failed, skipped)")
                .tag("account", account.value())
                .tag("outcome", outcome.wireName())
                .register(registry)
                .record(duration);
    }
}

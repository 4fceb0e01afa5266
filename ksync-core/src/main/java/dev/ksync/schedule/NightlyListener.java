package dev.ksync.schedule;

import dev.ksync.accounts.AccountId;
import java.time.Duration;

/** Told of every finished nightly run (the metrics on /metrics listen). */
@FunctionalInterface
public interface NightlyListener {
    NightlyListener NONE = (account, outcome, duration) -> {};

    /** {@code outcome} is SUCCEEDED, FAILED or SKIPPED. */
    void onNightlyRun(AccountId account, NightlyStatus outcome, Duration duration);
}

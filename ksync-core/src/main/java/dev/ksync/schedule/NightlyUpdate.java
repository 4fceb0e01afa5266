package dev.ksync.schedule;

import dev.ksync.accounts.AccountId;
import java.time.LocalDate;

/**
 * One account's nightly update for a UTC day: what the nightly schedule calls, once per enabled account and day. The
 * implementation (the orchestrator) claims the idempotency key {@code nightly-YYYY-MM-DD} of that day, so a rerun after
 * a node died replays instead of working twice. Throwing marks the run failed; it is retried a few times, unless it
 * is a {@code KsyncException} whose blame is not retryable (a rejected key).
 */
@FunctionalInterface
public interface NightlyUpdate {
    void run(AccountId account, LocalDate utcDay);
}

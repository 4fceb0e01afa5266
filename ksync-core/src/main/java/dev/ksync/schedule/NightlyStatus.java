package dev.ksync.schedule;

import java.util.Locale;

/** Where an account's nightly run for a day stands, as kept in {@code nightly_runs}. */
public enum NightlyStatus {
    /** The day's task instance exists; no node has started it yet. */
    SCHEDULED,
    RUNNING,
    SUCCEEDED,
    /** The last attempt failed; the scheduler retries a few times, then gives up for the day. */
    FAILED,
    /** The account was disabled (or removed) before its run started. */
    SKIPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static NightlyStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}

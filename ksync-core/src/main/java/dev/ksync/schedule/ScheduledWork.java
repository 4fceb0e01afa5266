package dev.ksync.schedule;

/** The work of a recurring schedule other than the nightly fan-out: cleanup, raw ingestion. */
@FunctionalInterface
public interface ScheduledWork {
    void run();
}

package dev.ksync.schedule;

/** The cleanup schedule's work (retention of staging objects, uploads and idempotency keys). */
@FunctionalInterface
public interface CleanupRun {
    void run();
}

package dev.ksync.orchestrator;

/** Told how each producer (flows, campaigns, subscribers) advances (a progress bar per producer), and when the snapshot is ready. */
public interface UpdateProgress {
    UpdateProgress NONE = new UpdateProgress() {
        @Override
        public void expect(String producer, long total) { }

        @Override
        public void progress(String producer, long count) { }
    };

    /** The count {@link #progress} will reach, once the producer knows it. */
    void expect(String producer, long total);

    void progress(String producer, long count);

    /** The live run's snapshot is ready, committed with the run's answer under its idempotency key. */
    default void ready(long snapshotId) { }
}

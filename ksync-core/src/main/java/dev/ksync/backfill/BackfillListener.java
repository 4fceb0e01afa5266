package dev.ksync.backfill;

/** Told when a backfill ends, on the node that ended it (the alert webhook listens here). */
public interface BackfillListener {
    BackfillListener NONE = new BackfillListener() {};

    default void completed(BackfillStatus status) {}

    default void failed(BackfillStatus status) {}
}

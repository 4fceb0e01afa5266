package dev.ksync.ingest;

/**
 * The runbook's three load configurations, chosen by a datasource's {@code config_file} ({@link Source#loadType}): standard incremental
 * (filter on {@code incremental_field_connector}), events (the window on {@code datetime}, no incremental field
 * parameter, no related objects) and a full load every run (metrics).
 */
public enum LoadType {
    INCREMENTAL,
    EVENTS,
    FULL;

    /** Whether the table keeps an incremental field (and the window starts from its maximum). */
    boolean incremental() {
        return this != FULL;
    }
}

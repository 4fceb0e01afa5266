package dev.ksync.ingest;

import java.util.Map;
import java.util.Optional;

/**
 * The runbook's three load configurations, chosen by a datasource's {@code config_file}: standard incremental
 * (filter on {@code incremental_field_connector}), events (the window on {@code datetime}, no incremental field
 * parameter, no related objects) and a full load every run (metrics).
 */
public enum LoadType {
    INCREMENTAL,
    EVENTS,
    FULL;

    /** The runbook's load configuration files. */
    static final Map<String, LoadType> CONFIG_FILES = Map.of(
            "klaviyo_events_load.yml", EVENTS,
            "klaviyo_email_templates_load.yml", INCREMENTAL,
            "klaviyo_campaigns_load.yml", INCREMENTAL,
            "klaviyo_lists_load.yml", INCREMENTAL,
            "klaviyo_profiles_load.yml", INCREMENTAL,
            "klaviyo_metric_data_load.yml", FULL);

    static Optional<LoadType> ofConfigFile(String configFile) {
        return Optional.ofNullable(CONFIG_FILES.get(configFile));
    }

    /** Whether the table keeps an incremental field (and the window starts from its maximum). */
    boolean incremental() {
        return this != FULL;
    }
}

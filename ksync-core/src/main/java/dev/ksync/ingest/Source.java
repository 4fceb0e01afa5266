package dev.ksync.ingest;

import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.Endpoints;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Klaviyo side of a datasource {@code name}: the runbook's load configuration for it, the listing it reads and
 * how the runbook's connector names map to Klaviyo's attributes (campaigns call them {@code created_at}/
 * {@code updated_at}; the connector says {@code created}/{@code updated}).
 */
public enum Source {
    EVENTS("events", "klaviyo_events_load.yml", LoadType.EVENTS, Endpoints.EVENTS, Map.of("datetime", "datetime"), List.of()),
    TEMPLATES("templates", "klaviyo_email_templates_load.yml", LoadType.INCREMENTAL, Endpoints.TEMPLATES,
            Map.of("created", "created", "updated", "updated"), List.of()),
    // Klaviyo lists campaigns one channel at a time.
    CAMPAIGNS("campaigns", "klaviyo_campaigns_load.yml", LoadType.INCREMENTAL, Endpoints.CAMPAIGNS,
            Map.of("created", "created_at", "updated", "updated_at"),
            List.of(Filter.equals("messages.channel", "email"), Filter.equals("messages.channel", "sms"),
                    Filter.equals("messages.channel", "mobile_push"))),
    LISTS("lists", "klaviyo_lists_load.yml", LoadType.INCREMENTAL, Endpoints.LISTS,
            Map.of("created", "created", "updated", "updated"), List.of()),
    PROFILES("profiles", "klaviyo_profiles_load.yml", LoadType.INCREMENTAL, Endpoints.PROFILES,
            Map.of("created", "created", "updated", "updated"), List.of()),
    METRICS("metrics", "klaviyo_metric_data_load.yml", LoadType.FULL, Endpoints.METRICS, Map.of(), List.of());

    private final String label;
    private final String configFile;
    private final LoadType loadType;
    private final Endpoint endpoint;
    private final Map<String, String> connectors;
    private final List<Filter> channels;

    Source(String label, String configFile, LoadType loadType, Endpoint endpoint, Map<String, String> connectors,
           List<Filter> channels) {
        this.label = label;
        this.configFile = configFile;
        this.loadType = loadType;
        this.endpoint = endpoint;
        this.connectors = connectors;
        this.channels = channels;
    }

    public static Optional<Source> named(String name) {
        return Arrays.stream(values()).filter(s -> s.label.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(s -> s.label).toList();
    }

    public String label() {
        return label;
    }

    /** The runbook's load configuration for this name ({@code config_file}): each name has its own. */
    String configFile() {
        return configFile;
    }

    /** Every name's {@link #configFile}, sorted. */
    static List<String> configFiles() {
        return Arrays.stream(values()).map(s -> s.configFile).sorted().toList();
    }

    /** How {@link #configFile} loads the name. */
    LoadType loadType() {
        return loadType;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** The connector names this source can filter on, e.g. {@code created, updated}. */
    List<String> connectors() {
        return connectors.keySet().stream().sorted().toList();
    }

    /** Klaviyo's attribute (and filter field) for a connector name; empty when the source has none of that name. */
    Optional<String> attribute(String connector) {
        return Optional.ofNullable(connectors.get(connector));
    }

    /** One filter per listing the source needs (campaigns: one per channel); empty = one listing without. */
    List<Filter> channels() {
        return channels;
    }
}

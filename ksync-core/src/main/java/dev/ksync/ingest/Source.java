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
    EVENTS("events", "event", "klaviyo_events_load.yml", LoadType.EVENTS, Endpoints.EVENTS, Map.of("datetime", "datetime"),
            List.of(), List.of("datetime", "timestamp", "uuid")),
    TEMPLATES("templates", "template", "klaviyo_email_templates_load.yml", LoadType.INCREMENTAL, Endpoints.TEMPLATES,
            Map.of("created", "created", "updated", "updated"), List.of(),
            List.of("amp", "created", "editor_type", "html", "name", "text", "updated")),
    // Klaviyo lists campaigns one channel at a time.
    CAMPAIGNS("campaigns", "campaign", "klaviyo_campaigns_load.yml", LoadType.INCREMENTAL, Endpoints.CAMPAIGNS,
            Map.of("created", "created_at", "updated", "updated_at"),
            List.of(Filter.equals("messages.channel", "email"), Filter.equals("messages.channel", "sms"),
                    Filter.equals("messages.channel", "mobile_push")),
            List.of("archived", "created_at", "name", "scheduled_at", "send_time", "status", "updated_at")),
    LISTS("lists", "list", "klaviyo_lists_load.yml", LoadType.INCREMENTAL, Endpoints.LISTS,
            Map.of("created", "created", "updated", "updated"), List.of(),
            List.of("created", "name", "opt_in_process", "updated")),
    PROFILES("profiles", "profile", "klaviyo_profiles_load.yml", LoadType.INCREMENTAL, Endpoints.PROFILES,
            Map.of("created", "created", "updated", "updated"), List.of(),
            List.of("created", "email", "external_id", "first_name", "image", "last_event_date", "last_name", "locale",
                    "organization", "phone_number", "title", "updated")),
    METRICS("metrics", "metric", "klaviyo_metric_data_load.yml", LoadType.FULL, Endpoints.METRICS, Map.of(), List.of(),
            List.of("created", "name", "updated"));

    private final String label;
    private final String recordType;
    private final String configFile;
    private final LoadType loadType;
    private final Endpoint endpoint;
    private final Map<String, String> connectors;
    private final List<Filter> channels;
    private final List<String> attributes;

    Source(String label, String recordType, String configFile, LoadType loadType, Endpoint endpoint,
           Map<String, String> connectors, List<Filter> channels, List<String> attributes) {
        this.label = label;
        this.recordType = recordType;
        this.attributes = attributes;
        this.configFile = configFile;
        this.loadType = loadType;
        this.endpoint = endpoint;
        this.connectors = connectors;
        this.channels = channels;
    }

    public static Optional<Source> named(String name) {
        return Arrays.stream(values()).filter(s -> s.label.equals(name)).findFirst();
    }

    /** The source whose records have Klaviyo's {@code type}. */
    static Optional<Source> byRecordType(String type) {
        return Arrays.stream(values()).filter(s -> s.recordType.equals(type)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(s -> s.label).toList();
    }

    public String label() {
        return label;
    }

    /** Klaviyo's {@code type} of the records this source lists ({@code template}): what a raw table's rows say they are. */
    String recordType() {
        return recordType;
    }

    /**
     * The scalar top-level attributes of this source's records (Klaviyo's OpenAPI spec), each a column of the raw
     * table ({@link RawTable#column}): an incremental field of the same name would take that column over.
     */
    List<String> attributes() {
        return attributes;
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

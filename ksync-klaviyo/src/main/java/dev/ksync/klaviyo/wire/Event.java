package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An event. {@code metric} and {@code profile} are filled from {@code included[]} when the query
 * asked for them, else null (the ids are there whenever Klaviyo sent the relationship data).
 */
public record Event(String id, Instant datetime, Long timestamp, String uuid, JsonNode eventProperties,
                    String metricId, String profileId, Metric metric, Profile profile, JsonNode raw) {

    public static Event from(JsonNode r, Included included) {
        JsonNode a = r.path("attributes");
        String metricId = Nodes.relId(r, "metric");
        String profileId = Nodes.relId(r, "profile");
        JsonNode m = included.get("metric", metricId);
        JsonNode p = included.get("profile", profileId);
        Instant dt = Nodes.time(a, "datetime");
        Long ts = Nodes.integer(a, "timestamp");
        if (dt == null && ts != null) dt = Instant.ofEpochSecond(ts);
        return new Event(Nodes.text(r, "id"), dt, ts, Nodes.text(a, "uuid"), Nodes.node(a, "event_properties"),
                metricId, profileId, m == null ? null : Metric.from(m), p == null ? null : Profile.from(p), r);
    }

    /** Every event of a page, with its {@code included[]} metric and profile attached. */
    public static List<Event> fromPage(Page page) {
        return page.data().stream().map(r -> from(r, page.included())).toList();
    }

    /** {@code event_properties.$value}, the monetary value of e.g. Placed Order, or null. */
    public Double value() {
        return Nodes.number(eventProperties, "$value");
    }
}

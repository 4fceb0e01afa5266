package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A metric (Opened Email, Placed Order…) and the integration that records it. */
public record Metric(String id, String name, Instant created, Instant updated, String integrationName,
                     String integrationCategory, JsonNode raw) {
    public static Metric from(JsonNode r) {
        JsonNode a = r.path("attributes");
        JsonNode i = Nodes.node(a, "integration");
        return new Metric(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.time(a, "created"),
                Nodes.time(a, "updated"), Nodes.text(i, "name"), Nodes.text(i, "category"), r);
    }
}

package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A flow; status is live, manual or draft. */
public record Flow(String id, String name, String status, Boolean archived, Instant created, Instant updated,
                   String triggerType, JsonNode raw) {
    public static Flow from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new Flow(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.text(a, "status"), Nodes.bool(a, "archived"),
                Nodes.time(a, "created"), Nodes.time(a, "updated"), Nodes.text(a, "trigger_type"), r);
    }
}

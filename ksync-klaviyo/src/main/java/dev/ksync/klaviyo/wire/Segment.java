package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

public record Segment(String id, String name, Instant created, Instant updated, Boolean isActive,
                      Boolean isProcessing, Boolean isStarred, JsonNode raw) {
    public static Segment from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new Segment(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.time(a, "created"),
                Nodes.time(a, "updated"), Nodes.bool(a, "is_active"), Nodes.bool(a, "is_processing"),
                Nodes.bool(a, "is_starred"), r);
    }
}

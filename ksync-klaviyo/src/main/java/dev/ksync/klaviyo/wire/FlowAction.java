package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A flow action (revision ≥ 2025-10-15 shape): {@code definition.type} (send-email, time-delay…),
 * {@code definition.data.status} for send actions; the whole definition stays available.
 */
public record FlowAction(String id, String flowId, String actionType, String status, Instant created,
                         Instant updated, JsonNode definition, JsonNode raw) {
    public static FlowAction from(JsonNode r, String flowId) {
        JsonNode a = r.path("attributes");
        JsonNode d = Nodes.node(a, "definition");
        String type = Nodes.text(d, "type");
        if (type == null) type = Nodes.text(a, "action_type"); // pre-2025-10-15 shape
        String status = Nodes.text(Nodes.node(d, "data"), "status");
        if (status == null) status = Nodes.text(a, "status");
        String flow = Nodes.relId(r, "flow");
        return new FlowAction(Nodes.text(r, "id"), flow != null ? flow : flowId, type, status,
                Nodes.time(a, "created"), Nodes.time(a, "updated"), d, r);
    }
}

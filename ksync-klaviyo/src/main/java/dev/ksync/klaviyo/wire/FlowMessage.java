package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A flow message: channel plus the e-mail/SMS fields of its {@code definition}. */
public record FlowMessage(String id, String flowActionId, String channel, String name, String subjectLine,
                          String previewText, String fromEmail, String fromLabel, String templateId,
                          Instant created, Instant updated, JsonNode definition, JsonNode raw) {
    public static FlowMessage from(JsonNode r, String actionId) {
        JsonNode a = r.path("attributes");
        JsonNode d = Nodes.node(a, "definition");
        String action = Nodes.relId(r, "flow-action");
        String channel = Nodes.text(a, "channel");
        if (channel == null) channel = Nodes.text(d, "channel");
        String name = Nodes.text(d, "name");
        if (name == null) name = Nodes.text(a, "name");
        return new FlowMessage(Nodes.text(r, "id"), action != null ? action : actionId, channel, name,
                Nodes.text(d, "subject_line"), Nodes.text(d, "preview_text"), Nodes.text(d, "from_email"),
                Nodes.text(d, "from_label"), Nodes.text(d, "template_id"), Nodes.time(a, "created"),
                Nodes.time(a, "updated"), d, r);
    }
}

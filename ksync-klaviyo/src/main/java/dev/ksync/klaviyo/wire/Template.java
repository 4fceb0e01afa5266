package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A template; {@code html} and {@code text} can be large. */
public record Template(String id, String name, String editorType, String html, String text, Instant created,
                       Instant updated, JsonNode raw) {
    public static Template from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new Template(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.text(a, "editor_type"),
                Nodes.text(a, "html"), Nodes.text(a, "text"), Nodes.time(a, "created"), Nodes.time(a, "updated"), r);
    }
}

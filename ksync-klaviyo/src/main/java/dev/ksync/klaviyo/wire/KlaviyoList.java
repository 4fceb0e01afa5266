package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A list (named so to stay clear of {@code java.util.List}). */
public record KlaviyoList(String id, String name, Instant created, Instant updated, String optInProcess, JsonNode raw) {
    public static KlaviyoList from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new KlaviyoList(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.time(a, "created"),
                Nodes.time(a, "updated"), Nodes.text(a, "opt_in_process"), r);
    }
}

package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;

public record Tag(String id, String name, String tagGroupId, JsonNode raw) {
    public static Tag from(JsonNode r) {
        return new Tag(Nodes.text(r, "id"), Nodes.text(r.path("attributes"), "name"), Nodes.relId(r, "tag-group"), r);
    }
}

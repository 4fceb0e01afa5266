package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** A page's {@code included[]} resources, indexed by type and id. */
public final class Included {
    public static final Included NONE = new Included(null);
    private final Map<String, JsonNode> byKey = new HashMap<>();

    public Included(JsonNode included) {
        if (included != null && included.isArray()) {
            included.forEach(r -> byKey.put(Nodes.text(r, "type") + "/" + Nodes.text(r, "id"), r));
        }
    }

    public JsonNode get(String type, String id) {
        return id == null ? null : byKey.get(type + "/" + id);
    }

    public int size() { return byKey.size(); }
}

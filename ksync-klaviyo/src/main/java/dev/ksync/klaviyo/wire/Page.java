package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON:API collection document: its resources, {@code included[]}, and the {@code links.next}
 * URL as Klaviyo sent it (null on the last page).
 */
public record Page(List<JsonNode> data, Included included, String next) {
    public Page {
        data = List.copyOf(data);
    }

    public static Page from(JsonNode doc) {
        List<JsonNode> data = new ArrayList<>();
        JsonNode d = doc.get("data");
        if (d != null && d.isArray()) d.forEach(data::add);
        else if (d != null && d.isObject()) data.add(d);
        String next = Nodes.text(Nodes.node(doc, "links"), "next");
        return new Page(data, new Included(doc.get("included")), next == null || next.isBlank() ? null : next);
    }
}

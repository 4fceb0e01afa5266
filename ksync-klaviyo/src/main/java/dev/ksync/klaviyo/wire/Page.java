package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON:API collection document: its resources, {@code included[]}, and the {@code links.next}
 * URL as Klaviyo sent it (null on the last page). A page read {@link #raw raw} has its resources in {@code raw}
 * (their bytes as sent) and none in {@code data}; any other page the reverse.
 */
public record Page(List<JsonNode> data, Included included, String next, List<RawResource> raw) {
    public Page {
        data = List.copyOf(data);
        raw = List.copyOf(raw);
    }

    public Page(List<JsonNode> data, Included included, String next) {
        this(data, included, next, List.of());
    }

    public static Page from(JsonNode doc) {
        List<JsonNode> data = new ArrayList<>();
        JsonNode d = doc.get("data");
        if (d != null && d.isArray()) d.forEach(data::add);
        else if (d != null && d.isObject()) data.add(d);
        String next = Nodes.text(Nodes.node(doc, "links"), "next");
        return new Page(data, new Included(doc.get("included")), next == null || next.isBlank() ? null : next);
    }

    /**
     * A collection document read in one streaming pass, without building its resources as trees ({@link RawResource}).
     * A body that is not a whole JSON object (cut off mid-way) is an {@link IOException}.
     */
    public static Page raw(byte[] body, ObjectMapper json) throws IOException {
        List<RawResource> resources = new ArrayList<>();
        JsonNode included = null;
        String next = null;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON:API document");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "data" -> {
                        if (value == JsonToken.START_OBJECT) {
                            resources.add(RawResource.read(p, body));
                        } else if (value == JsonToken.START_ARRAY) {
                            JsonToken t;
                            while ((t = p.nextToken()) == JsonToken.START_OBJECT) resources.add(RawResource.read(p, body));
                            if (t != JsonToken.END_ARRAY) throw new IOException("data[] holds a " + t + ", not resource objects");
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "included" -> included = p.readValueAsTree();
                    case "links" -> next = Nodes.text(p.readValueAsTree(), "next");
                    default -> p.skipChildren();
                }
            }
            if (!p.hasToken(JsonToken.END_OBJECT) || p.nextToken() != null) throw new IOException("not one whole JSON object");
        }
        return new Page(List.of(), new Included(included), next == null || next.isBlank() ? null : next, resources);
    }
}

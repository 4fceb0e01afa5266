package dev.ksync.sandbox.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.QueryParams;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Assembles JSON:API documents: data, included (deduplicated), sparse fieldsets and links. */
final class Documents {
    private Documents() {}

    /** {@link #writeCollection} streams the same shape; EventPageRenderingTest holds them to the same bytes. */
    static ObjectNode collection(List<ObjectNode> data, List<ObjectNode> included, boolean withIncluded, String self, String next) {
        ObjectNode doc = Json.obj();
        ArrayNode a = doc.putArray("data");
        data.forEach(a::add);
        if (withIncluded) {
            ArrayNode inc = doc.putArray("included");
            included.forEach(inc::add);
        }
        ObjectNode links = doc.putObject("links");
        links.put("self", self);
        links.put("next", next);
        links.putNull("prev");
        return doc;
    }

    static ObjectNode single(ObjectNode data, List<ObjectNode> included, boolean withIncluded, String self) {
        ObjectNode doc = Json.obj();
        doc.set("data", data);
        if (withIncluded) {
            ArrayNode inc = doc.putArray("included");
            included.forEach(inc::add);
        }
        doc.putObject("links").put("self", self);
        return doc;
    }

    /** A resource identifier, as relationship data names it. */
    record Ref(String type, String id) {}

    /** Resources named in the data's relationships for each included relationship, first-seen order. */
    static List<ObjectNode> included(List<ObjectNode> data, List<String> include, Resources resources, QueryParams q) {
        return included(data, include, Documents::refs, resources, q);
    }

    /** The same, for data that are not nodes: {@code refs} gives what an item's relationship names. */
    static <T> List<ObjectNode> included(List<T> data, List<String> include, BiFunction<T, String, List<Ref>> refs,
                                         Resources resources, QueryParams q) {
        Map<Ref, ObjectNode> out = new LinkedHashMap<>();
        for (T d : data) {
            for (String rel : include) {
                for (Ref ref : refs.apply(d, rel)) {
                    if (out.containsKey(ref)) continue;
                    ObjectNode res = resources.byType(ref.type(), ref.id());
                    if (res != null) out.put(ref, sparse(res, q));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<Ref> refs(ObjectNode d, String rel) {
        JsonNode r = d.path("relationships").path(rel).path("data");
        List<Ref> refs = new ArrayList<>();
        if (r.isArray()) r.forEach(x -> refs.add(new Ref(x.get("type").asText(), x.get("id").asText())));
        else if (r.isObject()) refs.add(new Ref(r.get("type").asText(), r.get("id").asText()));
        return refs;
    }

    /** Streams the shape {@link #collection} builds, with data items written by {@code item}. */
    static <T> void writeCollection(JsonGenerator g, List<T> data, ItemWriter<T> item, List<ObjectNode> included,
                                    boolean withIncluded, String self, String next) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("data");
        for (T d : data) item.write(g, d);
        g.writeEndArray();
        if (withIncluded) {
            g.writeArrayFieldStart("included");
            for (ObjectNode n : included) g.writeTree(n);
            g.writeEndArray();
        }
        g.writeObjectFieldStart("links");
        g.writeStringField("self", self);
        g.writeStringField("next", next);
        g.writeNullField("prev");
        g.writeEndObject();
        g.writeEndObject();
    }

    interface ItemWriter<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    /** Applies fields[type]=a,b.c to a resource's attributes. */
    static ObjectNode sparse(ObjectNode resource, QueryParams q) {
        Set<String> wanted = q.fields().get(resource.get("type").asText());
        if (wanted == null || wanted.isEmpty()) return resource;
        ObjectNode attrs = (ObjectNode) resource.get("attributes");
        if (attrs == null) return resource;
        ObjectNode kept = Json.obj();
        for (String f : wanted) {
            if (f.equals("id")) continue;
            copyPath(attrs, kept, f.split("\\."), 0);
        }
        resource.set("attributes", kept);
        return resource;
    }

    private static void copyPath(ObjectNode from, ObjectNode to, String[] path, int i) {
        JsonNode v = from.get(path[i]);
        if (v == null) return;
        if (i == path.length - 1 || !v.isObject()) {
            to.set(path[i], v);
            return;
        }
        JsonNode existing = to.get(path[i]);
        ObjectNode child = existing instanceof ObjectNode o ? o : to.putObject(path[i]);
        copyPath((ObjectNode) v, child, path, i + 1);
    }

    /** The request's query re-encoded (Klaviyo style: brackets as %5B %5D), without page[cursor]. */
    static String query(Map<String, List<String>> params, String cursorParam) {
        StringBuilder sb = new StringBuilder();
        for (var e : params.entrySet()) {
            if (e.getKey().equals(cursorParam)) continue;
            for (String v : e.getValue()) {
                if (!sb.isEmpty()) sb.append('&');
                sb.append(enc(e.getKey())).append('=').append(enc(v));
            }
        }
        return sb.toString();
    }

    /** The request's own URL on the sandbox's base (links.self). */
    static String self(Links links, ApiRequest r) {
        List<String> cursor = r.query().get("page[cursor]");
        return url(links.base(), r.path(), r.query(), "page[cursor]", cursor == null || cursor.isEmpty() ? null : cursor.get(0));
    }

    /** Position from a decoded "o:12"-style cursor; a 400 when it is not one. */
    static int offsetCursor(String decoded, String prefix) {
        try {
            if (decoded.startsWith(prefix)) {
                int v = Integer.parseInt(decoded.substring(prefix.length()));
                if (v >= 0) return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.invalidParameter("page[cursor]", "Invalid page cursor. Pass the value from links.next unchanged.");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String url(String base, String path, Map<String, List<String>> params, String cursorParam, String cursor) {
        String q = query(params, cursorParam);
        if (cursor != null) q = (q.isEmpty() ? "" : q + "&") + enc(cursorParam) + "=" + enc(cursor);
        return base + path + (q.isEmpty() ? "" : "?" + q);
    }
}

package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.query.QueryParams;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Assembles JSON:API documents: data, included (deduplicated), sparse fieldsets and links. */
final class Documents {
    private Documents() {}

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

    /** Resources named in the data's relationships for each included relationship, first-seen order. */
    static List<ObjectNode> included(List<ObjectNode> data, List<String> include, Resources resources, QueryParams q) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (ObjectNode d : data) {
            for (String rel : include) {
                JsonNode r = d.path("relationships").path(rel).path("data");
                List<JsonNode> refs = new ArrayList<>();
                if (r.isArray()) r.forEach(refs::add);
                else if (r.isObject()) refs.add(r);
                for (JsonNode ref : refs) {
                    String key = ref.get("type").asText() + ":" + ref.get("id").asText();
                    if (out.containsKey(key)) continue;
                    ObjectNode res = resources.byType(ref.get("type").asText(), ref.get("id").asText());
                    if (res != null) out.put(key, sparse(res, q));
                }
            }
        }
        return new ArrayList<>(out.values());
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
        throw dev.ksync.sandbox.query.ApiException.invalidParameter("page[cursor]", "Invalid page cursor. Pass the value from links.next unchanged.");
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

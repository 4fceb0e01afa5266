package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Null-tolerant reads from Jackson trees: a missing or null field gives null, never an exception. */
final class Nodes {
    private Nodes() {}

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    static Boolean bool(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.isBoolean() ? v.booleanValue() : Boolean.valueOf(v.asText());
    }

    static Double number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return v.doubleValue();
        try {
            return Double.valueOf(v.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Long integer(JsonNode n, String field) {
        Double d = number(n, field);
        return d == null ? null : d.longValue();
    }

    static Instant time(JsonNode n, String field) {
        return KlaviyoTime.parse(text(n, field));
    }

    static List<String> texts(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) v.forEach(x -> { if (!x.isNull()) out.add(x.asText()); });
        return List.copyOf(out);
    }

    static JsonNode node(JsonNode n, String... path) {
        JsonNode v = n;
        for (String p : path) {
            if (v == null) return null;
            v = v.get(p);
        }
        return v == null || v.isNull() ? null : v;
    }

    /** The id of a to-one relationship; absent unless named in {@code include}, or {@code "data": null}. */
    static String relId(JsonNode resource, String rel) {
        JsonNode d = node(resource, "relationships", rel, "data");
        return d != null && d.isObject() ? text(d, "id") : null;
    }
}

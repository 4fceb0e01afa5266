package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.FilterParser;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Evaluates filter conditions and sort keys against a rendered resource: {@code id}, a dotted path
 * under {@code attributes} (arrays flattened: a condition holds when any element matches), or a
 * field the caller computes (e.g. a campaign's {@code messages.channel}).
 */
final class Matcher {
    private Matcher() {}

    static List<JsonNode> values(ObjectNode resource, String field, Map<String, String> aliases) {
        List<JsonNode> out = new ArrayList<>();
        if (field.equals("id")) {
            out.add(resource.get("id"));
            return out;
        }
        String path = aliases.getOrDefault(field, "attributes." + field);
        Json.collect(resource, path.split("\\."), 0, out);
        return out;
    }

    static boolean matches(ObjectNode resource, List<Condition> conditions, Map<String, String> aliases) {
        for (Condition c : conditions) {
            if (c.operator().equals("has")) continue;
            List<JsonNode> vs = values(resource, c.field(), aliases);
            boolean any = false;
            for (JsonNode v : vs) if (test(v, c)) { any = true; break; }
            if (!any) return false;
        }
        return true;
    }

    static boolean test(JsonNode node, Condition c) {
        if (node == null || node.isNull()) return c.value() == null && c.operator().equals("equals");
        return switch (c.operator()) {
            case "equals", "any" -> {
                for (Object v : c.values()) if (compare(node, v) == 0) yield true;
                yield false;
            }
            case "contains" -> node.asText().contains(String.valueOf(c.value()));
            case "starts-with" -> node.asText().startsWith(String.valueOf(c.value()));
            case "ends-with" -> node.asText().endsWith(String.valueOf(c.value()));
            case "greater-than" -> compare(node, c.value()) > 0;
            case "greater-or-equal" -> compare(node, c.value()) >= 0;
            case "less-than" -> compare(node, c.value()) < 0;
            case "less-or-equal" -> compare(node, c.value()) <= 0;
            default -> false;
        };
    }

    /** node compared with a filter value; Integer.MIN_VALUE-ish mismatch is "not equal". */
    static int compare(JsonNode node, Object v) {
        if (v instanceof Instant t) {
            Instant n = FilterParser.parseDatetime(node.asText());
            return n == null ? -2 : n.compareTo(t);
        }
        if (v instanceof Boolean b) return node.isBoolean() && node.booleanValue() == b ? 0 : 2;
        if (v instanceof BigDecimal d) return node.isNumber() ? node.decimalValue().compareTo(d) : -2;
        if (v == null) return node.isNull() ? 0 : 2;
        return node.asText().compareTo(String.valueOf(v)) == 0 ? 0 : node.asText().compareTo(String.valueOf(v));
    }

    /** Orders by the field's first value (nulls first), then by id so the order is total. */
    static Comparator<ObjectNode> sort(String field, boolean desc, Map<String, String> aliases) {
        Comparator<ObjectNode> byField = (a, b) -> {
            JsonNode x = first(values(a, field, aliases)), y = first(values(b, field, aliases));
            if (x == null && y == null) return 0;
            if (x == null) return -1;
            if (y == null) return 1;
            if (x.isNumber() && y.isNumber()) return x.decimalValue().compareTo(y.decimalValue());
            return x.asText().compareTo(y.asText());
        };
        Comparator<ObjectNode> c = byField.thenComparing(n -> n.get("id").asText());
        return desc ? c.reversed() : c;
    }

    private static JsonNode first(List<JsonNode> vs) {
        for (JsonNode v : vs) if (v != null && !v.isNull()) return v;
        return null;
    }
}

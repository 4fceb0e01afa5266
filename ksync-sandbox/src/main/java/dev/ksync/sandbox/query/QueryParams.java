package dev.ksync.sandbox.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A GET request's JSON:API query (filter, sort, page, fields, include, additional-fields), parsed
 * and checked against what the endpoint allows; anything else is a 400 naming the parameter.
 */
public record QueryParams(List<Condition> filters, String sortField, boolean sortDescending, int pageSize, String cursor,
                          Map<String, Set<String>> fields, List<String> include, Map<String, Set<String>> additionalFields) {

    public static QueryParams parse(Endpoint e, String type, Map<String, List<String>> params) {
        String filterText = first(params, "filter");
        List<Condition> filters = FilterParser.parse(filterText);
        for (Condition c : filters) check(e, type, c);
        if (e.requiredFilter() != null && filters.stream().noneMatch(c -> c.field().equals(e.requiredFilter()))) {
            throw ApiException.invalidParameter("filter", "A filter on '" + e.requiredFilter() + "' is required, e.g. filter=equals("
                    + e.requiredFilter() + ",\"email\"). Allowed values: " + String.join(", ", e.filters().get(e.requiredFilter()).enumValues()) + ".");
        }
        String sort = first(params, "sort");
        String sortField = null;
        boolean desc = false;
        if (sort != null && !sort.isBlank()) {
            desc = sort.startsWith("-");
            sortField = desc ? sort.substring(1) : sort;
            if (!e.sorts().contains(sortField)) {
                throw ApiException.invalidParameter("sort", "'" + sort + "' is not a valid sort for '" + type + "'. "
                        + (e.sorts().isEmpty() ? "This endpoint does not support sorting." : "Allowed values: "
                        + String.join(", ", e.sorts().stream().flatMap(s -> Stream.of(s, "-" + s)).toList()) + "."));
            }
        }
        int pageSize = e.pageDefault();
        String size = first(params, "page[size]");
        if (size != null && e.paged()) {
            try {
                pageSize = Integer.parseInt(size.trim());
            } catch (NumberFormatException ex) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > e.pageMax()) {
                throw ApiException.invalidParameter("page[size]", "Page size must be an integer between 1 and " + e.pageMax() + "; got '" + size + "'.");
            }
        }
        String cursor = first(params, "page[cursor]");
        Map<String, Set<String>> fields = new LinkedHashMap<>();
        Map<String, Set<String>> additional = new LinkedHashMap<>();
        for (var entry : params.entrySet()) {
            String k = entry.getKey();
            String v = entry.getValue().isEmpty() ? "" : entry.getValue().get(0);
            if (k.startsWith("fields[") && k.endsWith("]")) {
                String t = k.substring(7, k.length() - 1);
                Set<String> allowed = e.sparseFields().get(t);
                if (allowed == null) {
                    throw ApiException.invalidParameter(k, "'" + t + "' is not a resource type this endpoint returns. Allowed: "
                            + String.join(", ", e.sparseFields().keySet().stream().map(x -> "fields[" + x + "]").toList()) + ".");
                }
                Set<String> wanted = csv(v);
                for (String f : wanted) {
                    if (!allowed.contains(f)) {
                        throw ApiException.invalidParameter(k, "'" + f + "' is not a valid field for '" + t + "'. Allowed values: "
                                + String.join(", ", allowed) + ".");
                    }
                }
                fields.put(t, wanted);
            }
            if (k.startsWith("additional-fields[") && k.endsWith("]")) additional.put(k.substring(18, k.length() - 1), csv(v));
        }
        Set<String> profileExtras = additional.get("profile");
        if (profileExtras != null) {
            for (String x : profileExtras) {
                if (!x.equals("subscriptions") && !x.equals("predictive_analytics")) {
                    throw ApiException.invalidParameter("additional-fields[profile]", "'" + x
                            + "' is not a valid additional field for 'profile'. Allowed values: subscriptions, predictive_analytics.");
                }
            }
        }
        List<String> include = new ArrayList<>();
        String inc = first(params, "include");
        if (inc != null && !inc.isBlank()) {
            for (String r : csv(inc)) {
                if (!e.includes().contains(r)) {
                    throw ApiException.invalidParameter("include", "'" + r + "' is not a valid relationship to include for '" + type + "'. "
                            + (e.includes().isEmpty() ? "This endpoint has no includes." : "Allowed values: " + String.join(", ", e.includes()) + "."));
                }
                include.add(r);
            }
        }
        return new QueryParams(filters, sortField, desc, pageSize, cursor, fields, List.copyOf(include), additional);
    }

    public boolean wants(String type, String additionalField) {
        Set<String> s = additionalFields.get(type);
        return s != null && s.contains(additionalField);
    }

    private static void check(Endpoint e, String type, Condition c) {
        FieldRule rule = e.filters().get(c.field());
        if (rule == null) {
            throw ApiException.invalidParameter("filter", "'" + c.field() + "' is not a valid filter field for '" + type + "'. "
                    + (e.filters().isEmpty() ? "This endpoint does not support filtering." : "Allowed fields: " + String.join(", ", e.filters().keySet()) + "."));
        }
        if (!rule.operators().contains(c.operator())) {
            throw ApiException.invalidParameter("filter", "'" + c.operator() + "' is not a valid operator for '" + c.field() + "'. Allowed operators: "
                    + String.join(", ", rule.operators().stream().sorted().toList()) + ".");
        }
        if (c.operator().equals("has")) return;
        boolean list = c.value() instanceof List<?>;
        if (c.operator().equals("any") && !list) {
            throw ApiException.invalidParameter("filter", "The 'any' operator takes a list, e.g. any(" + c.field() + ",[\"a\",\"b\"]).");
        }
        if (list && !c.operator().equals("any") && !c.operator().equals("equals")) {
            throw ApiException.invalidParameter("filter", "The '" + c.operator() + "' operator takes a single value, not a list.");
        }
        for (Object v : c.values()) {
            boolean ok = switch (rule.type()) {
                case DATETIME -> v instanceof Instant;
                case BOOLEAN -> v instanceof Boolean;
                case NUMBER -> v instanceof BigDecimal;
                case STRING -> v instanceof String;
                case NONE -> true;
            };
            if (!ok) {
                String expected = switch (rule.type()) {
                    case DATETIME -> "an ISO-8601 datetime such as 2024-01-01T00:00:00Z (unquoted)";
                    case BOOLEAN -> "true or false";
                    case NUMBER -> "a number";
                    default -> "a quoted string";
                };
                throw ApiException.invalidParameter("filter", "Invalid value " + render(v) + " for '" + c.field() + "': expected " + expected + ".");
            }
            if (!rule.enumValues().isEmpty() && !rule.enumValues().contains(v)) {
                throw ApiException.invalidParameter("filter", "Invalid value " + render(v) + " for '" + c.field() + "'. Allowed values: "
                        + String.join(", ", rule.enumValues()) + ".");
            }
        }
    }

    private static String render(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    static String first(Map<String, List<String>> params, String key) {
        List<String> v = params.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static Set<String> csv(String v) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : Arrays.asList(v.split(","))) if (!s.isBlank()) out.add(s.trim());
        return out;
    }
}

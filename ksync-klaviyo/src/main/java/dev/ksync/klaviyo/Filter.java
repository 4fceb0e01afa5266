package dev.ksync.klaviyo;

import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One condition of Klaviyo's {@code filter} parameter, as a value: {@code Filter.equals("metric_id", id)},
 * {@code Filter.greaterOrEqual("datetime", from)}. Values are written once, here: strings quoted and escaped,
 * instants in Klaviyo's format, lists in brackets. A listing checks its filters against the endpoint's declared
 * fields and operators before any call, so a wrong filter fails in our code, not at Klaviyo.
 *
 * @param value a String, Instant, Boolean, Number or a List of those; null for {@code has}
 */
public record Filter(String operator, String field, Object value) {
    public Filter {
        Objects.requireNonNull(operator, "operator is null");
        Objects.requireNonNull(field, "field is null");
        if (value == null && !operator.equals("has")) throw new IllegalArgumentException(operator + "(" + field + ") needs a value");
        if (value instanceof List<?> l) value = List.copyOf(l);
        else if (value != null && !(value instanceof String || value instanceof Instant || value instanceof Boolean
                || value instanceof Number)) {
            throw new IllegalArgumentException("a filter value is a string, instant, boolean, number or list, not " + value.getClass().getSimpleName());
        }
    }

    public static Filter equals(String field, Object value) { return new Filter("equals", field, value); }
    public static Filter any(String field, List<?> values) { return new Filter("any", field, values); }
    public static Filter greaterThan(String field, Object value) { return new Filter("greater-than", field, value); }
    public static Filter greaterOrEqual(String field, Object value) { return new Filter("greater-or-equal", field, value); }
    public static Filter lessThan(String field, Object value) { return new Filter("less-than", field, value); }
    public static Filter lessOrEqual(String field, Object value) { return new Filter("less-or-equal", field, value); }
    public static Filter contains(String field, String value) { return new Filter("contains", field, value); }
    public static Filter startsWith(String field, String value) { return new Filter("starts-with", field, value); }
    public static Filter endsWith(String field, String value) { return new Filter("ends-with", field, value); }
    public static Filter has(String relationship) { return new Filter("has", relationship, null); }

    /** As Klaviyo reads it, e.g. {@code equals(name,"Ann \"A\"")}. */
    public String render() {
        return operator + "(" + field + (value == null ? "" : "," + literal(value)) + ")";
    }

    /** Several conditions ANDed, as the {@code filter} parameter; null when there are none. */
    static String render(List<Filter> filters) {
        return filters.isEmpty() ? null : filters.stream().map(Filter::render).collect(Collectors.joining(","));
    }

    /** Throws, naming the endpoint's filters, when {@code ep} does not declare this field with this operator. */
    void checkAgainst(Endpoint ep) {
        if (ep.allowsFilter(field, operator)) return;
        Map<String, String> allowed = new TreeMap<>();
        ep.filters().forEach((f, ops) -> allowed.put(f, String.join(", ", new TreeSet<>(ops))));
        throw new IllegalArgumentException("filter " + operator + "(" + field + ") is not allowed on " + ep.path() + "; "
                + (allowed.isEmpty() ? "it takes no filter" : "allowed: " + allowed.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; "))));
    }

    private static String literal(Object v) {
        return switch (v) {
            case String s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case Instant t -> KlaviyoTime.format(t);
            case List<?> l -> l.stream().map(Filter::literal).collect(Collectors.joining(",", "[", "]"));
            default -> String.valueOf(v);
        };
    }
}

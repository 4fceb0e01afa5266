package dev.ksync.sandbox.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.api.ApiRequest;
import dev.ksync.sandbox.api.Json;
import dev.ksync.sandbox.api.Links;
import dev.ksync.sandbox.data.Event;
import dev.ksync.sandbox.data.Ids;
import dev.ksync.sandbox.data.Rng;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.FilterParser;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * POST /api/metric-aggregates: count, sum_value and unique of one metric's events per interval
 * bucket in the requested timezone, optionally split by event properties ($flow, $message,
 * $attributed_* or any property name) and filtered on the spec's dimensions; the datetime range in the
 * spec's form only. Rows page by page_size with the top-level links.next, as Klaviyo's do.
 */
public final class MetricAggregates {
    /** The spec's measurements and its "dimensions for grouping and filtering" (the by enum), in its order. */
    public static final List<String> MEASUREMENTS = List.of("count", "sum_value", "unique");
    public static final List<String> DIMENSIONS = List.of("$attributed_channel", "$attributed_flow", "$attributed_message",
            "$attributed_variation", "$campaign_channel", "$flow", "$flow_channel", "$message", "$message_send_cohort",
            "$usage_amount", "$value_currency", "$variation", "$variation_send_cohort", "Bot Click", "Bounce Type",
            "Campaign Name", "Client Canonical", "Client Name", "Client Type", "Email Domain", "Failure Source", "Failure Type",
            "From Number", "From Phone Region", "Inbox Provider", "List", "Message Format", "Message Name", "Message Type",
            "Method", "Segment Count", "Subject", "To Number", "To Phone Region", "URL", "form_id");
    /** The sort enum: every dimension and measurement, ascending or with '-'. */
    public static final Set<String> SORTS = Stream.concat(DIMENSIONS.stream(), MEASUREMENTS.stream())
            .flatMap(k -> Stream.of(k, "-" + k)).collect(Collectors.toUnmodifiableSet());
    /** A datetime filter's value, and the spec's form of it: "ISO 8601 format (YYYY-MM-DDTHH:MM:SS.mmmmmm)". */
    private static final Pattern DATETIME_VALUE = Pattern.compile("\\(\\s*datetime\\s*,\\s*([^)]*?)\\s*\\)");
    private static final Pattern SPEC_DATETIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?");

    private final SandboxData data;
    private final Links links;
    private final ObjectMapper mapper;

    public MetricAggregates(SandboxData data, Links links, ObjectMapper mapper) {
        this.data = data;
        this.links = links;
        this.mapper = mapper;
    }

    private JsonNode body(ApiRequest r) { return Reports.body(mapper, r); }

    private static List<ZonedDateTime> buckets(Timeframes.Window w, String interval) { return Reports.buckets(w, interval); }

    private static int bucketOf(List<ZonedDateTime> b, long s) { return Reports.bucketOf(b, s); }


    public ObjectNode query(ApiRequest r) {
        JsonNode d = body(r).get("data");
        if (!"metric-aggregate".equals(d.path("type").asText())) throw ApiException.invalidBody("/data/type", "data.type must be 'metric-aggregate'.");
        JsonNode a = d.path("attributes");
        String metricId = a.path("metric_id").asText(null);
        Integer metric = metricId == null ? null : data.events().metricIndexOf(metricId);
        if (metric == null) throw ApiException.invalidBody("/data/attributes/metric_id", "metric_id is required and must name an existing metric.");
        List<String> measurements = new ArrayList<>();
        for (JsonNode m : a.path("measurements")) {
            if (!MEASUREMENTS.contains(m.asText())) {
                throw ApiException.invalidBody("/data/attributes/measurements", "'" + m.asText() + "' is not a valid measurement. Allowed values: count, sum_value, unique.");
            }
            measurements.add(m.asText());
        }
        if (measurements.isEmpty()) throw ApiException.invalidBody("/data/attributes/measurements", "measurements is required: count, sum_value and/or unique.");
        String interval = a.path("interval").asText("day");
        if (!Set.of("hour", "day", "week", "month").contains(interval)) {
            throw ApiException.invalidBody("/data/attributes/interval", "'" + interval + "' is not a valid interval. Allowed values: hour, day, week, month.");
        }
        ZoneId zone;
        try {
            zone = a.path("timezone").isTextual() ? ZoneId.of(a.get("timezone").asText()) : ZoneId.of("UTC");
        } catch (RuntimeException e) {
            throw ApiException.invalidBody("/data/attributes/timezone", "'" + a.get("timezone").asText() + "' is not an IANA timezone.");
        }
        Instant from = null, to = null;
        List<Condition> dimensionFilters = new ArrayList<>();
        for (JsonNode f : a.path("filter")) {
            Matcher dt = DATETIME_VALUE.matcher(f.asText());
            while (dt.find()) {
                if (!SPEC_DATETIME.matcher(dt.group(1)).matches()) {
                    throw ApiException.invalidBody("/data/attributes/filter", "'" + dt.group(1) + "' is not a valid datetime: use ISO 8601"
                            + " format (YYYY-MM-DDTHH:MM:SS.mmmmmm), e.g. 2024-03-01T00:00:00, read in the requested timezone.");
                }
            }
            for (Condition c : FilterParser.parse(f.asText(), "filter")) {
                if (!c.field().equals("datetime")) {
                    dimensionFilters.add(checkDimensionFilter(c));
                    continue;
                }
                // The spec's datetimes carry no offset: they are read in the requested timezone.
                Instant at = ((Instant) c.value()).atZone(ZoneOffset.UTC).toLocalDateTime().atZone(zone).toInstant();
                switch (c.operator()) {
                    case "greater-or-equal", "greater-than" -> from = at;
                    case "less-than", "less-or-equal" -> to = at;
                    default -> throw ApiException.invalidBody("/data/attributes/filter", "'" + c.operator()
                            + "' is not valid for 'datetime'. Allowed operators: greater-or-equal, greater-than, less-or-equal, less-than.");
                }
            }
        }
        if (from == null || to == null) {
            throw ApiException.invalidBody("/data/attributes/filter", "filter must bound datetime on both sides, e.g. [\"greater-or-equal(datetime,2024-03-01T00:00:00)\", \"less-than(datetime,2024-03-08T00:00:00)\"].");
        }
        if (!to.isAfter(from) || Duration.between(from, to).compareTo(Duration.ofDays(366)) > 0) {
            throw ApiException.invalidBody("/data/attributes/filter", "The datetime range must be positive and at most 1 year.");
        }
        List<String> by = new ArrayList<>();
        for (JsonNode b : a.path("by")) by.add(b.asText());
        String sort = a.path("sort").asText("");
        if (!sort.isEmpty() && !SORTS.contains(sort)) {
            throw ApiException.invalidBody("/data/attributes/sort", "'" + sort + "' is not a valid sort. Allowed values: a measurement"
                    + " (count, sum_value, unique) or a dimension of 'by', optionally prefixed with '-'.");
        }
        String intervalKey = switch (interval) { case "hour" -> "hourly"; case "week" -> "weekly"; case "month" -> "monthly"; default -> "daily"; };
        List<ZonedDateTime> buckets = buckets(new Timeframes.Window(from.atZone(zone), to.atZone(zone)), intervalKey);
        Map<List<Object>, Object[]> rows = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        final int nb = buckets.size();
        final int mi = metric;
        data.forEachEvent(from, to, e -> {
            if (data.events().metricIndexOf(e.metric().id()) != mi) return;
            for (Condition c : dimensionFilters) if (!matches(c, dimension(e, c.field()))) return;
            List<Object> dims = new ArrayList<>();
            for (String k : by) dims.add(dimension(e, k));
            Object[] acc = rows.computeIfAbsent(dims, k -> new Object[]{new long[nb], new BigDecimal[nb], newSets(nb)});
            int b = bucketOf(buckets, e.time().getEpochSecond());
            if (b < 0) return;
            ((long[]) acc[0])[b]++;
            BigDecimal[] sums = (BigDecimal[]) acc[1];
            Object v = e.properties().get("$value");
            BigDecimal add = v instanceof BigDecimal bd ? bd : v instanceof Number n ? new BigDecimal(n.toString()) : BigDecimal.ZERO;
            sums[b] = sums[b] == null ? add : sums[b].add(add);
            @SuppressWarnings("unchecked") Set<Integer>[] sets = (Set<Integer>[]) acc[2];
            sets[b].add(e.profileIndex());
        });
        ObjectNode doc = Json.obj();
        ObjectNode dn = doc.putObject("data");
        dn.put("type", "metric-aggregate");
        dn.put("id", Ids.uuid(Rng.hash(data.seed(), String.valueOf(r.body()).hashCode())));
        ObjectNode attrs = dn.putObject("attributes");
        ArrayNode dates = attrs.putArray("dates");
        for (ZonedDateTime b : buckets) dates.add(Json.time(b));
        ArrayNode out = attrs.putArray("data");
        // sort: ±<by key> orders rows by that dimension, ±<measurement> by its total over the dates (a dimension not
        // in 'by' leaves the order); page_size/page_cursor page them.
        List<Map.Entry<List<Object>, Object[]>> ordered = new ArrayList<>(rows.entrySet());
        if (!sort.isEmpty()) {
            boolean desc = sort.startsWith("-");
            String key = desc ? sort.substring(1) : sort;
            int k = by.indexOf(key);
            Comparator<Map.Entry<List<Object>, Object[]>> cmp = MEASUREMENTS.contains(key)
                    ? Comparator.comparingDouble(en -> total(en.getValue(), key))
                    : k >= 0 ? Comparator.comparing(en -> String.valueOf(en.getKey().get(k))) : null;
            if (cmp != null) ordered.sort(desc ? cmp.reversed() : cmp);
        }
        int pageSize = a.path("page_size").isInt() ? a.get("page_size").asInt() : 500;
        if (pageSize < 1 || pageSize > 10_000) throw ApiException.invalidBody("/data/attributes/page_size", "page_size must be between 1 and 10000.");
        String cursorText = a.path("page_cursor").isTextual() ? a.get("page_cursor").asText()
                : r.query().getOrDefault("page_cursor", List.of()).stream().findFirst().orElse(null);
        int offset = 0;
        if (cursorText != null && !cursorText.isBlank()) {
            try {
                offset = Integer.parseInt(Cursors.decode(cursorText, "page_cursor").substring(2));
            } catch (RuntimeException e) {
                throw ApiException.invalidBody("/data/attributes/page_cursor", "Invalid page_cursor. Pass the value from links.next unchanged.");
            }
        }
        int end = Math.min(ordered.size(), offset + pageSize);
        for (var row : ordered.subList(Math.min(offset, end), end)) {
            ObjectNode rn = out.addObject();
            ArrayNode dims = rn.putArray("dimensions");
            for (Object x : row.getKey()) dims.add(x == null ? "" : String.valueOf(x));
            ObjectNode ms = rn.putObject("measurements");
            for (String m : measurements) {
                ArrayNode arr = ms.putArray(m);
                for (int b = 0; b < nb; b++) {
                    switch (m) {
                        case "count" -> arr.add(((long[]) row.getValue()[0])[b]);
                        case "sum_value" -> {
                            BigDecimal s = ((BigDecimal[]) row.getValue()[1])[b];
                            arr.add(s == null ? 0.0 : s.doubleValue());
                        }
                        default -> {
                            @SuppressWarnings("unchecked") Set<Integer>[] sets = (Set<Integer>[]) row.getValue()[2];
                            arr.add(sets[b].size());
                        }
                    }
                }
            }
        }
        // Klaviyo's shape (PostMetricAggregateResponse): data.links has self only; the pages are in the top-level links.
        String self = links.base() + r.path();
        dn.putObject("links").put("self", self);
        ObjectNode l = doc.putObject("links");
        l.put("self", self);
        l.put("next", end < ordered.size() ? self + "?page_cursor=" + Cursors.encode("a:" + end) : null);
        l.putNull("prev");
        return doc;
    }

    /** A row's measurement summed over its dates. */
    @SuppressWarnings("unchecked")
    private static double total(Object[] acc, String measurement) {
        return switch (measurement) {
            case "count" -> Arrays.stream((long[]) acc[0]).sum();
            case "sum_value" -> Arrays.stream((BigDecimal[]) acc[1]).filter(Objects::nonNull)
                    .mapToDouble(BigDecimal::doubleValue).sum();
            default -> Arrays.stream((Set<Integer>[]) acc[2]).mapToInt(Set::size).sum();
        };
    }

    /** A filter on a dimension: the spec's by-dimensions ("for grouping and filtering") with equals or any. */
    private static Condition checkDimensionFilter(Condition c) {
        if (!DIMENSIONS.contains(c.field())) {
            throw ApiException.invalidBody("/data/attributes/filter", "'" + c.field() + "' is not a valid filter field. Allowed fields:"
                    + " datetime and the dimensions 'by' takes (" + String.join(", ", DIMENSIONS) + ").");
        }
        if (!Set.of("equals", "any").contains(c.operator()) || c.operator().equals("any") != (c.value() instanceof List)) {
            throw ApiException.invalidBody("/data/attributes/filter", "'" + c.operator() + "' is not valid for '" + c.field()
                    + "'. Allowed operators: equals (one value), any (a list).");
        }
        return c;
    }

    private static boolean matches(Condition c, Object value) {
        String v = value == null ? "" : String.valueOf(value);
        return c.values().stream().anyMatch(x -> String.valueOf(x).equals(v));
    }

    @SuppressWarnings("unchecked")
    private static Set<Integer>[] newSets(int n) {
        Set<Integer>[] s = new Set[n];
        for (int i = 0; i < n; i++) s[i] = new HashSet<>();
        return s;
    }

    private static Object dimension(Event e, String key) {
        return switch (key) {
            case "$flow" -> e.flowId();
            case "$message" -> e.messageId();
            case "$attributed_flow" -> e.properties().get("$attributed_flow");
            case "$attributed_message" -> e.properties().get("$attributed_message");
            case "$attributed_channel" -> e.properties().get("$attributed_channel");
            case "$campaign_channel", "$flow_channel" -> e.properties().get("$attributed_channel");
            default -> e.properties().get(key);
        };
    }
}

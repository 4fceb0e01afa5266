package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * POST /api/metric-aggregates: counts/sums of one metric by event time over [from, to) (keep ≤ 1 year).
 *
 * @param measurements count, sum_value, unique
 * @param interval     hour, day, week, month
 * @param timezone     IANA zone the buckets follow (the account's)
 * @param pageSize     rows a page, or null for Klaviyo's default (500)
 */
public record MetricAggregateQuery(String metricId, List<String> measurements, String interval, Instant from,
                                   Instant to, List<String> by, String timezone, List<String> filters, Integer pageSize) {
    /** The filter's datetime form, "ISO 8601 format (YYYY-MM-DDTHH:MM:SS.mmmmmm)": seconds always written. */

    public MetricAggregateQuery {
        Objects.requireNonNull(metricId, "metricId is null");
        measurements = List.copyOf(measurements);
        Objects.requireNonNull(from, "from is null");
        Objects.requireNonNull(to, "to is null");
        by = by == null ? List.of() : List.copyOf(by);
        filters = filters == null ? List.of() : List.copyOf(filters);
        if (timezone == null) timezone = "UTC";
        if (interval == null) interval = "day";
    }

    public static MetricAggregateQuery of(String metricId, List<String> measurements, Instant from, Instant to,
                                          String timezone) {
        return new MetricAggregateQuery(metricId, measurements, "day", from, to, List.of(), timezone, List.of(), null);
    }

    public MetricAggregateQuery by(List<String> dimensions) {
        return new MetricAggregateQuery(metricId, measurements, interval, from, to, dimensions, timezone, filters, pageSize);
    }

    public MetricAggregateQuery interval(String i) {
        return new MetricAggregateQuery(metricId, measurements, i, from, to, by, timezone, filters, pageSize);
    }

    public MetricAggregateQuery pageSize(int rows) {
        return new MetricAggregateQuery(metricId, measurements, interval, from, to, by, timezone, filters, rows);
    }

    public ObjectNode toBody(String pageCursor) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode a = f.objectNode();
        a.put("metric_id", metricId);
        ArrayNode m = a.putArray("measurements");
        measurements.forEach(m::add);
        a.put("interval", interval);
        ZoneId zone = ZoneId.of(timezone);
        // Klaviyo reads these datetimes in the given timezone: send local times without offset
        ArrayNode fl = a.putArray("filter");
        fl.add("greater-or-equal(datetime," + KlaviyoTime.formatLocal(from, zone) + ")");
        fl.add("less-than(datetime," + KlaviyoTime.formatLocal(to, zone) + ")");
        filters.forEach(fl::add);
        if (!by.isEmpty()) {
            ArrayNode b = a.putArray("by");
            by.forEach(b::add);
        }
        a.put("timezone", timezone);
        if (pageSize != null) a.put("page_size", pageSize);
        if (pageCursor != null) a.put("page_cursor", pageCursor);
        ObjectNode body = f.objectNode();
        body.putObject("data").put("type", "metric-aggregate").set("attributes", a);
        return body;
    }
}

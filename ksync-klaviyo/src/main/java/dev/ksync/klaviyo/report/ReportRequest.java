package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A flow or campaign report query (values, or series when {@code interval} is set). Plan one request
 * with many statistics and groupings rather than many small ones: the daily cap is 225.
 *
 * @param interval hourly|daily|weekly|monthly for series reports; null for values reports
 * @param filter   e.g. {@code equals(flow_id,"abc")}, or null
 */
public record ReportRequest(List<String> statistics, Timeframe timeframe, String conversionMetricId,
                            List<String> groupBy, String filter, String interval) {
    public ReportRequest {
        statistics = List.copyOf(statistics);
        if (statistics.isEmpty()) throw new IllegalArgumentException("statistics is empty");
        Objects.requireNonNull(timeframe, "timeframe is null");
        Objects.requireNonNull(conversionMetricId, "conversionMetricId is null");
        groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    }

    public static ReportRequest values(List<String> statistics, Timeframe timeframe, String conversionMetricId) {
        return new ReportRequest(statistics, timeframe, conversionMetricId, List.of(), null, null);
    }

    public static ReportRequest series(List<String> statistics, Timeframe timeframe, String conversionMetricId,
                                       String interval) {
        return new ReportRequest(statistics, timeframe, conversionMetricId, List.of(), null,
                Objects.requireNonNull(interval, "interval is null"));
    }

    public ReportRequest withGroupBy(List<String> g) {
        return new ReportRequest(statistics, timeframe, conversionMetricId, g, filter, interval);
    }

    public ReportRequest withFilter(String f) {
        return new ReportRequest(statistics, timeframe, conversionMetricId, groupBy, f, interval);
    }

    /** The JSON:API body, {@code data.type} being e.g. {@code flow-values-report}. */
    public ObjectNode toBody(String type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode attrs = f.objectNode();
        ArrayNode stats = attrs.putArray("statistics");
        statistics.forEach(stats::add);
        attrs.set("timeframe", timeframe.toJson());
        if (interval != null) attrs.put("interval", interval);
        attrs.put("conversion_metric_id", conversionMetricId);
        if (!groupBy.isEmpty()) {
            ArrayNode g = attrs.putArray("group_by");
            groupBy.forEach(g::add);
        }
        if (filter != null) attrs.put("filter", filter);
        ObjectNode body = f.objectNode();
        body.putObject("data").put("type", type).set("attributes", attrs);
        return body;
    }
}

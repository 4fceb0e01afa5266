package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A flow or campaign report query (values, or series when {@code interval} is set). Plan one request
 * with many statistics and groupings rather than many small ones: the daily cap is 225. A request Klaviyo would
 * refuse for its timeframe or interval ({@link ReportLimits}) cannot be built: {@link ReportRefused}.
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
        checkLimits(timeframe, interval);
    }

    /** Refuses what Klaviyo refuses: unknown interval or key, a timeframe over the interval's limit, then over 1 year. */
    private static void checkLimits(Timeframe tf, String interval) {
        ReportLimits.Interval iv = interval == null ? null : ReportLimits.Interval.parse(interval).orElseThrow(() ->
                new ReportRefused("interval must be hourly, daily, weekly or monthly", "interval '" + interval + "'"));
        Optional<Period> max = iv == null ? Optional.empty() : iv.max();
        if (tf.key() != null) {
            Integer longest = ReportLimits.KEY_LONGEST_DAYS.get(tf.key());
            if (longest == null) {
                throw new ReportRefused("the timeframe key must be one of " + ReportLimits.KEY_LONGEST_DAYS.keySet(), "key '" + tf.key() + "'");
            }
            if (max.isPresent() && longest > max.get().getDays()) {
                throw new ReportRefused(iv.rule(), "timeframe " + tf.key() + " can span " + longest + " days");
            }
            return;
        }
        LocalDateTime start = LocalDateTime.ofInstant(tf.start(), ZoneOffset.UTC);
        LocalDateTime end = LocalDateTime.ofInstant(tf.end(), ZoneOffset.UTC);
        String subject = "timeframe " + tf.start() + " to " + tf.end();
        if (max.isPresent() && !ReportLimits.fits(start, end, max.get())) throw new ReportRefused(iv.rule(), subject);
        if (!ReportLimits.fits(start, end, ReportLimits.MAX_TIMEFRAME)) throw new ReportRefused(ReportLimits.MAX_TIMEFRAME_RULE, subject);
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

package dev.ksync.flows;

import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.SeriesReport;
import dev.ksync.klaviyo.report.ValuesReport;
import dev.ksync.reporting.Metrics;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.reporting.Statistic;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One report call of a flow plan: every flows.csv statistic in the same call, grouped by flow, message and channel
 * and by the flow and message names (so names cost no further call). Rows without any activity are left out. The
 * only access to the flow report endpoints.
 */
final class FlowReports {
    static final List<String> GROUP_BY = List.of("flow_id", "flow_message_id", "send_channel", "flow_name",
            "flow_message_name");
    private static final List<String> STATISTICS = Statistic.klaviyoNames(Statistic.FLOW_COLUMNS);

    private FlowReports() {}

    /** A message's statistics on one day (the window's first day for a range). */
    record Line(LocalDate day, String flowId, String messageId, String channel, String flowName, String messageName,
                Metrics metrics) {}

    /** @param filter a report filter ({@code contains-any(flow_id,[…])}) or null */
    static List<Line> fetch(KlaviyoClient client, ReportPlan.Shape shape, ReportWindow w, String conversionMetricId,
                            String filter) {
        List<Line> out = new ArrayList<>();
        if (shape == ReportPlan.Shape.SERIES_DAILY) {
            ReportRequest r = ReportRequest.series(STATISTICS, w.timeframe(), conversionMetricId,
                    ReportLimits.Interval.DAILY.wire()).withGroupBy(GROUP_BY).withFilter(filter);
            SeriesReport report = client.flowSeriesReport(r);
            for (SeriesReport.Row row : report.results()) {
                for (int i = 0; i < report.days().size(); i++) {
                    LocalDate day = report.days().get(i);
                    if (!w.contains(day)) continue;
                    int at = i;
                    Metrics m = Metrics.from(Statistic.FLOW_COLUMNS, name -> valueAt(row.statistics().get(name), at));
                    if (m.active()) out.add(line(day, row.groupings(), m));
                }
            }
        } else {
            ReportRequest r = ReportRequest.values(STATISTICS, w.timeframe(), conversionMetricId)
                    .withGroupBy(GROUP_BY).withFilter(filter);
            for (ValuesReport.Row row : client.flowValuesReport(r).results()) {
                Metrics m = Metrics.from(Statistic.FLOW_COLUMNS, row.statistics()::get);
                if (m.active()) out.add(line(w.first(), row.groupings(), m));
            }
        }
        return out;
    }

    private static Double valueAt(List<Double> values, int i) {
        return values == null || i >= values.size() ? null : values.get(i);
    }

    private static Line line(LocalDate day, Map<String, String> g, Metrics m) {
        return new Line(day, g.get("flow_id"), g.get("flow_message_id"), g.get("send_channel"), g.get("flow_name"),
                g.get("flow_message_name"), m);
    }
}

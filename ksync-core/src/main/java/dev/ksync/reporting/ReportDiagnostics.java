package dev.ksync.reporting;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** The diagnostics flows.csv and campaigns.csv share, in a stable key order: window, timezone, metric, plan. */
public final class ReportDiagnostics {
    private ReportDiagnostics() {}

    /** A fresh, ordered map the caller may add to; {@code debug} lists the report windows. */
    public static Map<String, Object> of(ReportWindow window, ZoneId zone, String zoneSource, ConversionMetric metric,
                                         ReportPlan plan, boolean debug) {
        Map<String, Object> d = new LinkedHashMap<>();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("start", window.first().toString());
        w.put("end", window.last().toString());
        w.put("days", window.days());
        d.put("window", w);
        d.put("timezone", zone.getId());
        d.put("timezoneSource", zoneSource);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", metric.id());
        m.put("source", metric.source());
        m.put("how", metric.how());
        d.put("conversionMetric", m);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("shape", plan.shape().name().toLowerCase().replace('_', '-'));
        p.put("aggregation", plan.shape().perDay() ? "per-day" : "range");
        p.put("endpoint", plan.operationId());
        p.put("reportCalls", plan.reportCalls());
        p.put("rowEstimate", plan.rowEstimate());
        p.put("choice", plan.choice());
        if (debug) p.put("windows", plan.calls().stream().map(ReportWindow::toString).toList());
        d.put("plan", p);
        return d;
    }
}

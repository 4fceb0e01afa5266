package dev.ksync.flows;

import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportWindow;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a flow sync did: rows written, the window and timezone, the conversion metric and how it was chosen, the
 * report plan, caps applied, and the Klaviyo calls it made by operation.
 *
 * @param flows        distinct flows with at least one row
 * @param caps         caps that left something out, e.g. {@code limitFlows → 5 flows left out}
 * @param flowsWalked  flows whose actions were walked for names (enrichMessageNames)
 */
public record FlowSyncReport(long rows, int flows, ReportWindow window, ZoneId zone, String zoneSource,
                             ConversionMetric conversionMetric, ReportPlan plan, Map<String, Object> caps,
                             List<String> flowsWalked, CallStats calls) {
    public FlowSyncReport {
        caps = Map.copyOf(caps);
        flowsWalked = List.copyOf(flowsWalked);
    }

    public int days() { return window.days(); }

    /** The {@code diagnostics} object of the answer; {@code debug} adds the windows requested. */
    public Map<String, Object> diagnostics(boolean debug) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("window", Map.of("start", window.first().toString(), "end", window.last().toString(), "days", window.days()));
        d.put("timezone", zone.getId());
        d.put("timezoneSource", zoneSource);
        d.put("conversionMetric", Map.of("id", conversionMetric.id(), "source", conversionMetric.source(),
                "how", conversionMetric.how()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("shape", plan.shape().name().toLowerCase().replace('_', '-'));
        p.put("endpoint", plan.operationId());
        p.put("reportCalls", plan.reportCalls());
        p.put("rowEstimate", plan.rowEstimate());
        p.put("choice", plan.choice());
        if (debug) p.put("windows", plan.calls().stream().map(ReportWindow::toString).toList());
        d.put("plan", p);
        d.put("caps", caps);
        d.put("flowsWalked", flowsWalked.size());
        d.put("klaviyoCalls", calls);
        return d;
    }
}

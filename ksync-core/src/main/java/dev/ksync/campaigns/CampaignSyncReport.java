package dev.ksync.campaigns;

import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportWindow;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a campaign sync did: rows, campaigns, the window and timezone, the conversion metric and how it was chosen,
 * the report plan, caps applied, and the Klaviyo calls it made by operation.
 */
public record CampaignSyncReport(long rows, int campaigns, ReportWindow window, ZoneId zone, String zoneSource,
                                 ConversionMetric conversionMetric, ReportPlan plan, Map<String, Object> caps,
                                 CallStats calls) {
    public CampaignSyncReport {
        caps = Map.copyOf(caps);
    }

    public Map<String, Object> diagnostics(boolean debug) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("window", Map.of("start", window.first().toString(), "end", window.last().toString(), "days", window.days()));
        d.put("timezone", zone.getId());
        d.put("timezoneSource", zoneSource);
        d.put("conversionMetric", Map.of("id", conversionMetric.id(), "source", conversionMetric.source(),
                "how", conversionMetric.how()));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("endpoint", plan.operationId());
        p.put("reportCalls", plan.reportCalls());
        p.put("rowEstimate", plan.rowEstimate());
        if (debug) p.put("windows", plan.calls().stream().map(ReportWindow::toString).toList());
        d.put("plan", p);
        d.put("caps", caps);
        d.put("klaviyoCalls", calls);
        return d;
    }
}

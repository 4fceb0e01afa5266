package dev.ksync.campaigns;

import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.ReportDiagnostics;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportSyncResult;
import dev.ksync.reporting.ReportWindow;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * What a campaign sync did: rows, campaigns, the window and timezone, the conversion metric and how it was chosen,
 * the report plan, caps applied, and the Klaviyo calls it made by operation.
 */
public record CampaignSyncReport(long rows, int campaigns, ReportWindow window, ZoneId zone, String zoneSource,
                                 ConversionMetric conversionMetric, ReportPlan plan, Map<String, String> caps,
                                 List<Map<String, String>> sample, CallStats calls)
        implements ReportSyncResult.Details {
    public CampaignSyncReport {
        caps = Map.copyOf(caps);
        sample = List.copyOf(sample);
    }

    /** The dry-run answer's counts: the campaigns with rows. */
    public record Counts(int campaigns) {}

    @Override
    public Counts counts() {
        return new Counts(campaigns);
    }

    /**
     * The job's part of the answer's {@code diagnostics} (window, timezone, conversion metric, report plan); the
     * runner adds calls, budget wait and caps. {@code debug} adds the windows requested.
     */
    @Override
    public Map<String, Object> diagnostics(boolean debug) {
        return ReportDiagnostics.of(window, zone, zoneSource, conversionMetric, plan, debug);
    }
}

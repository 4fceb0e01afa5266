package dev.ksync.flows;

import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.ReportDiagnostics;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportSyncResult;
import dev.ksync.reporting.ReportWindow;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a flow sync did: rows written, the window and timezone, the conversion metric and how it was chosen, the
 * report plan, caps applied, and the Klaviyo calls it made by operation.
 *
 * @param flows        distinct flows with at least one row
 * @param caps         caps that left something out, e.g. {@code limitFlows → 5 flows left out}
 * @param flowsWalked  flows whose actions were walked for names (enrichMessageNames)
 * @param sample       the first rows, header → cell
 * @param currency     the account's currency as the same account call read it (see {@code AccountZone})
 */
public record FlowSyncReport(long rows, int flows, ReportWindow window, ZoneId zone, String zoneSource,
                             Optional<String> currency,
                             ConversionMetric conversionMetric, ReportPlan plan, Map<String, String> caps,
                             List<String> flowsWalked, List<Map<String, String>> sample, CallStats calls)
        implements ReportSyncResult.Details {
    public FlowSyncReport {
        caps = Map.copyOf(caps);
        flowsWalked = List.copyOf(flowsWalked);
        sample = List.copyOf(sample);
    }

    public int days() { return window.days(); }

    /** The dry-run answer's counts: the window's days, the flows with rows. */
    public record Counts(int days, int flows) {}

    @Override
    public Counts counts() {
        return new Counts(days(), flows);
    }

    /**
     * The job's part of the answer's {@code diagnostics} (window, timezone, conversion metric, report plan, flows
     * walked); the runner adds calls, budget wait and caps. {@code debug} adds the windows requested.
     */
    @Override
    public Map<String, Object> diagnostics(boolean debug) {
        Map<String, Object> d = ReportDiagnostics.of(window, zone, zoneSource, conversionMetric, plan, debug);
        d.put("flowsWalked", flowsWalked.size());
        return d;
    }
}

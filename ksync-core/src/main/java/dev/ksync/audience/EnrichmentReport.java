package dev.ksync.audience;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What enrichment ran, what it cost, and what the other plan would have cost.
 *
 * @param metrics the metric id used for each engagement metric name, by name
 */
public record EnrichmentReport(
        String plan,
        long planningCalls,
        long planCalls,
        long accountPassEstimatedCalls,
        long perProfileEstimatedCalls,
        long otherPlanEstimatedCalls,
        long enrichedProfiles,
        long engagementEvents,
        Map<String, String> metrics,
        boolean truncated) {
    public EnrichmentReport {
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    }
}

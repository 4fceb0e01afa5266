package dev.ksync.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import java.util.Set;

/** The flow-sync JSON body (the Flow Sync runbook's fields plus reportStrategy) as a {@link FlowSyncRequest}. */
public final class FlowRequestParser {
    public static final Set<String> FIELDS = SyncFields.union(SyncFields.COMMON, SyncFields.WINDOW,
            Set.of("limitFlows", "limitMessages", "enrichMessageNames", "aggregation", "conversionMetricId",
                    "includeDrafts", "reportStrategy"));

    private FlowRequestParser() {}

    public static FlowSyncRequest parse(ObjectNode body) {
        Fields f = new Fields(body);
        SyncFields.Common c = SyncFields.common(f);
        return SyncFields.applyTo(c, FlowSyncRequest.builder()).debug(c.debug())
                .window(SyncFields.window(f))
                .limitFlows(f.integer("limitFlows", 1, FlowSyncRequest.MAX_LIMIT_FLOWS).orElse(null))
                .limitMessages(f.integer("limitMessages", 1, FlowSyncRequest.MAX_LIMIT_MESSAGES).orElse(null))
                .enrichMessageNames(f.bool("enrichMessageNames", false))
                .aggregation(f.choice("aggregation", Aggregation.class, Aggregation.PER_DAY))
                .conversionMetricId(f.text("conversionMetricId").orElse(null))
                .includeDrafts(f.bool("includeDrafts", false))
                .reportStrategy(f.choice("reportStrategy", Strategy.class, Strategy.SERIES))
                .build();
    }
}

package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.flows.FlowSyncReport;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.request.Choices;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ksync flows}: the flow-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "flows", description = "Build flows.csv (a row per flow message per day) from Klaviyo's flow reports."
        + " The Klaviyo key comes from the registered --account-id, or KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class FlowsCommand extends ReportCommand<FlowSyncRequest, FlowSyncReport> {
    @Option(names = "--days", description = "The last N whole days (default 30)") Integer days;
    @Option(names = "--timeframe-key", description = "last_7_days | last_30_days | last_365_days | …") String timeframeKey;
    @Option(names = "--limit-flows", description = "At most this many flows (the first by id)") Integer limitFlows;
    @Option(names = "--limit-messages", description = "At most this many messages") Integer limitMessages;
    @Option(names = "--enrich-message-names", description = "Walk flows whose messages the report leaves unnamed")
    boolean enrichMessageNames;
    @Option(names = "--aggregation", description = "per-day | range | auto (default per-day)") String aggregation;
    @Option(names = "--include-drafts", description = "A zero row for each message of a draft flow") boolean includeDrafts;
    @Option(names = "--report-strategy", description = "series | per-day-values (default series)") String reportStrategy;

    public FlowsCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    FlowsCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout, "flow sync", Ksync::flows, AppConfig.Buckets::flowStaging);
    }

    @Override
    FlowSyncRequest request() {
        FlowSyncRequest.Builder b = report.applyTo(sync.applyTo(FlowSyncRequest.builder()), Optional.ofNullable(days),
                        timeframeKey)
                .limitFlows(limitFlows).limitMessages(limitMessages)
                .enrichMessageNames(enrichMessageNames).includeDrafts(includeDrafts);
        if (aggregation != null) b.aggregation(Choices.parse("--aggregation", Aggregation.class, aggregation));
        if (reportStrategy != null) b.reportStrategy(Choices.parse("--report-strategy", Strategy.class, reportStrategy));
        return b.build();
    }
}

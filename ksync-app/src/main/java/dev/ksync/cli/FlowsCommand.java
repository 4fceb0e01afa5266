package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.flows.FlowSyncResult;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.request.Choices;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ksync flows}: the flow-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "flows", description = "Build flows.csv (a row per flow message per day) from Klaviyo's flow reports."
        + " The Klaviyo key comes from the registered --account-id, or KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class FlowsCommand implements Callable<Integer> {
    @Option(names = "--mode", description = "dry-run | live (default dry-run)") String mode;
    @Option(names = "--format", description = "csv | json (default csv on the command line)", defaultValue = "csv")
    String format;
    @Option(names = "--days", description = "The last N whole days (default 30)") Integer days;
    @Option(names = "--start", description = "First day, YYYY-MM-DD (account timezone), with --end") String start;
    @Option(names = "--end", description = "Last day, YYYY-MM-DD, inclusive") String end;
    @Option(names = "--timeframe-key", description = "last_7_days | last_30_days | last_365_days | …") String timeframeKey;
    @Option(names = "--limit-flows", description = "At most this many flows (the first by id)") Integer limitFlows;
    @Option(names = "--limit-messages", description = "At most this many messages") Integer limitMessages;
    @Option(names = "--enrich-message-names", description = "Walk flows whose messages the report leaves unnamed")
    boolean enrichMessageNames;
    @Option(names = "--aggregation", description = "per-day | range | auto (default per-day)") String aggregation;
    @Option(names = "--conversion-metric-id", description = "The Placed Order metric (default: resolved)")
    String conversionMetricId;
    @Option(names = "--include-drafts", description = "A zero row for each message of a draft flow") boolean includeDrafts;
    @Option(names = "--report-strategy", description = "series | per-day-values (default series)") String reportStrategy;
    @Option(names = "--debug", description = "More diagnostics (the report windows)") boolean debug;
    @Option(names = "--account-id", description = "Registered account (its key is used) and storage folder")
    String accountId;
    @Option(names = "--upload-id", description = "Folder of a live write (default: the UTC time)") String uploadId;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the CSV here instead of stdout") Path out;
    @Option(names = "--overwrite", description = "Let a live run replace an object with other content under its key")
    boolean overwrite;
    @Spec CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream stdout;

    public FlowsCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    FlowsCommand(Map<String, String> env, PrintStream stdout) {
        this.env = env;
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws IOException {
        FlowSyncRequest req = OptionNames.build(spec, this::request);
        try (Ksync ksync = Ksync.start(AppConfig.load(env))) {
            SyncOutput.run(ksync, ksync.flows(), req, req.format(), ksync.config().storage().buckets().flowStaging(),
                    out, stdout, Progress.reportCalls(ksync.config().klaviyo().rateScale()),
                    r -> FlowSyncResult.of(r, req.debug()));
        }
        return 0;
    }

    /** The options as a request; a bad value names its option. */
    private FlowSyncRequest request() {
        FlowSyncRequest.Builder b = FlowSyncRequest.builder()
                .format(Choices.parse("--format", Format.class, format))
                .window(new WindowSpec(Optional.ofNullable(days), CliDates.day("--start", start),
                        CliDates.day("--end", end), Optional.ofNullable(timeframeKey)))
                .limitFlows(limitFlows).limitMessages(limitMessages)
                .enrichMessageNames(enrichMessageNames).includeDrafts(includeDrafts)
                .conversionMetricId(conversionMetricId).debug(debug).overwrite(overwrite);
        if (mode != null) b.mode(Choices.parse("--mode", Mode.class, mode));
        if (aggregation != null) b.aggregation(Choices.parse("--aggregation", Aggregation.class, aggregation));
        if (reportStrategy != null) b.reportStrategy(Choices.parse("--report-strategy", Strategy.class, reportStrategy));
        if (accountId != null) b.accountId(AccountId.of("--account-id", accountId));
        if (uploadId != null) b.uploadId(new UploadId(uploadId));
        return b.build();
    }
}

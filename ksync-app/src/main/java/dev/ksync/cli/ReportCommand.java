package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.reporting.ReportRequest;
import dev.ksync.reporting.ReportRequestBuilder;
import dev.ksync.reporting.ReportSyncResult;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.sync.SyncJob;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A report sync command (flows, campaigns): besides the {@link SyncOptions}, the window's days, the conversion metric
 * and debug, read one way ({@link Options}); a progress count of report calls; the {@link ReportSyncResult} answer.
 */
abstract class ReportCommand<R extends ReportRequest, D extends ReportSyncResult.Details> extends SyncCommand<R, D> {
    /** The options every report sync takes (a picocli mixin); {@code --days} and {@code --timeframe-key} are each command's. */
    static final class Options {
        @Option(names = "--start", description = "First day, YYYY-MM-DD (account timezone), with --end") String start;
        @Option(names = "--end", description = "Last day, YYYY-MM-DD, inclusive") String end;
        @Option(names = "--conversion-metric-id", description = "The Placed Order metric (default: resolved)")
        String conversionMetricId;
        @Option(names = "--debug", description = "More diagnostics (the report windows)") boolean debug;

        /** Sets the window (from {@code days}, --start, --end and {@code timeframeKey}), metric and debug. */
        <B extends ReportRequestBuilder<B>> B applyTo(B b, Optional<Integer> days, String timeframeKey) {
            return b.window(new WindowSpec(days, CliDates.day("--start", start), CliDates.day("--end", end),
                            Optional.ofNullable(timeframeKey)))
                    .conversionMetricId(conversionMetricId).debug(debug);
        }
    }

    @Mixin Options report;

    ReportCommand(Map<String, String> env, PrintStream stdout, String work, Function<Ksync, SyncJob<R, D>> job,
            Function<AppConfig.Buckets, String> bucket) {
        super(env, stdout, work, job, bucket, (req, config) -> Progress.reportCalls(config.klaviyo().rateScale()),
                (req, r) -> ReportSyncResult.of(r, req.debug()));
    }
}

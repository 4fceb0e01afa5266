package dev.ksync.cli;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.campaigns.CampaignSyncRequest.Channel;
import dev.ksync.campaigns.CampaignSyncResult;
import dev.ksync.config.AppConfig;
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

/** {@code ksync campaigns}: the campaign-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "campaigns", description = "Build campaigns.csv (a row per message of each campaign sent in the"
        + " window) from Klaviyo's campaign report. The Klaviyo key comes from the registered --account-id, or"
        + " KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class CampaignsCommand implements Callable<Integer> {
    @Option(names = "--mode", description = "dry-run | live (default dry-run)") String mode;
    @Option(names = "--format", description = "csv | json (default csv on the command line)", defaultValue = "csv")
    String format;
    @Option(names = "--timeframe-key", description = "last_30_days (default) | last_365_days | …") String timeframeKey;
    @Option(names = "--start", description = "First day, YYYY-MM-DD (account timezone), with --end") String start;
    @Option(names = "--end", description = "Last day, YYYY-MM-DD, inclusive") String end;
    @Option(names = "--channel", description = "email | sms (default email)") String channel;
    @Option(names = "--limit-campaigns", description = "At most this many campaigns (the first sent)")
    Integer limitCampaigns;
    @Option(names = "--conversion-metric-id", description = "The Placed Order metric (default: resolved)")
    String conversionMetricId;
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

    public CampaignsCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    CampaignsCommand(Map<String, String> env, PrintStream stdout) {
        this.env = env;
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws IOException {
        CampaignSyncRequest req = OptionNames.build(spec, this::request);
        try (Ksync ksync = Ksync.start(AppConfig.load(env))) {
            SyncOutput.run(ksync, ksync.campaigns(), req, req.format(),
                    ksync.config().storage().buckets().campaignStaging(), out, stdout,
                    Progress.reportCalls(ksync.config().klaviyo().rateScale()),
                    r -> CampaignSyncResult.of(r, req.debug()));
        }
        return 0;
    }

    /** The options as a request; a bad value names its option. */
    private CampaignSyncRequest request() {
        CampaignSyncRequest.Builder b = CampaignSyncRequest.builder()
                .format(Choices.parse("--format", Format.class, format))
                .window(new WindowSpec(Optional.empty(), CliDates.day("--start", start), CliDates.day("--end", end),
                        Optional.ofNullable(timeframeKey)))
                .limitCampaigns(limitCampaigns).conversionMetricId(conversionMetricId).debug(debug)
                .overwrite(overwrite);
        if (mode != null) b.mode(Choices.parse("--mode", Mode.class, mode));
        if (channel != null) b.channel(Choices.parse("--channel", Channel.class, channel));
        if (accountId != null) b.accountId(AccountId.of("--account-id", accountId));
        if (uploadId != null) b.uploadId(new UploadId(uploadId));
        return b.build();
    }
}

package dev.ksync.cli;

import dev.ksync.app.Ksync;
import dev.ksync.campaigns.CampaignSyncReport;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.campaigns.CampaignSyncRequest.Channel;
import dev.ksync.config.AppConfig;
import dev.ksync.request.Choices;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ksync campaigns}: the campaign-sync body fields as kebab-case options; CSV to stdout or --out. */
@Command(name = "campaigns", description = "Build campaigns.csv (a row per message of each campaign sent in the"
        + " window) from Klaviyo's campaign report. The Klaviyo key comes from the registered --account-id, or"
        + " KLAVIYO_API_KEY_PRIVATE / KLAVIYO_API_KEY.")
public final class CampaignsCommand extends ReportCommand<CampaignSyncRequest, CampaignSyncReport> {
    @Option(names = "--timeframe-key", description = "last_30_days (default) | last_365_days | …") String timeframeKey;
    @Option(names = "--channel", description = "email | sms (default email)") String channel;
    @Option(names = "--limit-campaigns", description = "At most this many campaigns (the first sent)")
    Integer limitCampaigns;

    public CampaignsCommand() {
        this(System.getenv(), System.out);
    }

    /** A command reading {@code env} instead of the process environment and printing to {@code stdout} (tests). */
    CampaignsCommand(Map<String, String> env, PrintStream stdout) {
        super(env, stdout, "campaign sync", Ksync::campaigns, AppConfig.Buckets::campaignStaging);
    }

    @Override
    CampaignSyncRequest request() {
        CampaignSyncRequest.Builder b = report.applyTo(sync.applyTo(CampaignSyncRequest.builder()), Optional.empty(),
                        timeframeKey)
                .limitCampaigns(limitCampaigns);
        if (channel != null) b.channel(Choices.parse("--channel", Channel.class, channel));
        return b.build();
    }
}

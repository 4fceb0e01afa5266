package dev.ksync.snapshot;

import dev.ksync.accounts.AccountId;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.store.UploadId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * An upload: the folder {@code <id>/} in {@code bucket} holding one account's three CSVs, dated in {@code zone}.
 *
 * @param flowsDays     the days flows.csv was asked for (a day inside without a row is a zero day); empty when unknown
 * @param campaignsDays the same for campaigns.csv
 */
public record Upload(UploadId id, AccountId accountId, String bucket, ZoneId zone, Instant createdAt,
        Optional<ReportWindow> flowsDays, Optional<ReportWindow> campaignsDays) {
    public static final String FLOWS = "flows.csv";
    public static final String CAMPAIGNS = "campaigns.csv";
    public static final String SUBSCRIBERS = "subscribers.csv";
    /** The files every upload has, in the order answers list them. */
    public static final List<String> FILES = List.of(FLOWS, CAMPAIGNS, SUBSCRIBERS);
    /**
     * The one channel of campaigns.csv as the update makes it: the dashboard's campaigns are these on every day,
     * the backfill's other channels are left out.
     */
    public static final CampaignSyncRequest.Channel CAMPAIGN_CHANNEL = CampaignSyncRequest.Channel.EMAIL;

    /** The object key of one of its files. */
    public String key(String file) {
        return id + "/" + file;
    }

    /**
     * The days a patch from this upload may replace: those both mail CSVs cover (a patch rewrites both sources of
     * each day), of the one known when only one is; empty when neither is known.
     */
    public Optional<ReportWindow> patchable() {
        if (flowsDays.isEmpty() || campaignsDays.isEmpty()) {
            return flowsDays.or(() -> campaignsDays);
        }
        ReportWindow f = flowsDays.get(), c = campaignsDays.get();
        LocalDate first = f.first().isAfter(c.first()) ? f.first() : c.first();
        LocalDate end = f.end().isBefore(c.end()) ? f.end() : c.end();
        return end.isAfter(first) ? Optional.of(new ReportWindow(first, end)) : Optional.empty();
    }
}

package dev.ksync.campaigns;

import dev.ksync.reporting.Metrics;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/** One line of campaigns.csv: a campaign message's statistics over the window, dated by its send day. */
public record CampaignRow(LocalDate day, String campaignId, String campaignName, String messageId, String subject,
                          String channel, String status, Instant sendTime, List<String> audiences, Metrics metrics,
                          List<String> tags) {
    /** Day, then the IDs, so that the same data always gives the same file. */
    public static final Comparator<CampaignRow> ORDER = Comparator.comparing(CampaignRow::day)
            .thenComparing(CampaignRow::campaignId).thenComparing(CampaignRow::messageId);

    public CampaignRow {
        audiences = List.copyOf(audiences);
        tags = List.copyOf(tags);
    }
}

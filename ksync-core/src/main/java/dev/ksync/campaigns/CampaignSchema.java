package dev.ksync.campaigns;

import static dev.ksync.csv.CsvValues.text;
import static dev.ksync.csv.CsvValues.timestamp;

import dev.ksync.reporting.CsvColumns;
import dev.ksync.reporting.Statistic;
import java.util.List;

/** The columns of campaigns.csv, in their exact order, declared once. */
public final class CampaignSchema {
    private CampaignSchema() {}

    public static final CsvColumns<CampaignRow> COLUMNS = CsvColumns.<CampaignRow>builder()
            .col("Day", r -> r.day().toString())
            .col("Campaign ID", r -> text(r.campaignId()))
            .col("Campaign Name", r -> text(r.campaignName()))
            .col("Campaign Message ID", r -> text(r.messageId()))
            .col("Subject", r -> text(r.subject()))
            .col("Channel", r -> text(r.channel()))
            .col("Status", r -> text(r.status()))
            .col("Send Time", r -> timestamp(r.sendTime()))
            .col("Audiences", r -> String.join(";", r.audiences()))
            .statistics(Statistic.CAMPAIGN_COLUMNS, CampaignRow::metrics)
            .col("Tags", r -> String.join(";", r.tags()))
            .build();

    public static final List<String> HEADER = COLUMNS.headers();

    public static List<String> row(CampaignRow r) {
        return COLUMNS.row(r);
    }
}

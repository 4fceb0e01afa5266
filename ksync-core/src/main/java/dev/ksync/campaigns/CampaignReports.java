package dev.ksync.campaigns;

import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.ValuesReport;
import dev.ksync.reporting.Metrics;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.reporting.Statistic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One campaign values report: every campaigns.csv statistic for every message of a channel over a window (≤ 1
 * year), in one call. The only access to the campaign report endpoint.
 */
final class CampaignReports {
    static final List<String> GROUP_BY = List.of("campaign_id", "campaign_message_id", "send_channel");
    private static final List<String> STATISTICS = Statistic.klaviyoNames(Statistic.CAMPAIGN_COLUMNS);

    private CampaignReports() {}

    record Line(String campaignId, String messageId, Metrics metrics) {}

    /** Lines by message id. @param filter extra filter ({@code contains-any(campaign_id,[…])}) or null */
    static Map<String, Line> fetch(KlaviyoClient client, ReportWindow w, String channel, String conversionMetricId,
                                   String filter) {
        String f = "equals(send_channel,\"" + channel + "\")";
        if (filter != null) f = "and(" + f + "," + filter + ")";
        ReportRequest r = ReportRequest.values(STATISTICS, w.timeframe(), conversionMetricId).withGroupBy(GROUP_BY)
                .withFilter(f);
        Map<String, Line> out = new LinkedHashMap<>();
        for (ValuesReport.Row row : client.campaignValuesReport(r).results()) {
            String message = row.groupings().get("campaign_message_id");
            out.putIfAbsent(message, new Line(row.groupings().get("campaign_id"), message,
                    Metrics.from(Statistic.CAMPAIGN_COLUMNS, row.statistics()::get)));
        }
        return out;
    }
}

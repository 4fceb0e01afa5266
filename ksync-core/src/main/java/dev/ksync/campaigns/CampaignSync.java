package dev.ksync.campaigns;

import dev.ksync.campaigns.CampaignCatalog.CampaignInfo;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.wire.CampaignMessage;
import dev.ksync.reporting.AccountZone;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.Metrics;
import dev.ksync.reporting.ReportCache;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportPlanner;
import dev.ksync.reporting.ReportJob;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.reporting.Resources;
import dev.ksync.reporting.Statistic;
import dev.ksync.sync.RowSample;
import dev.ksync.sync.RowSink;
import dev.ksync.sync.SyncContext;
import dev.ksync.sync.SyncJob;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds campaigns.csv: the account (timezone), the conversion metric, the campaigns of the channel listed with
 * their messages and tags, one values report by message for the window (per year of it), and the audiences'
 * names. A row per message of each campaign sent in the window (or with report activity in it), dated by its send
 * day in the account timezone, sorted by Day then IDs. A {@link SyncJob} the {@link dev.ksync.sync.SyncRunner} runs.
 */
public final class CampaignSync extends ReportJob<CampaignSyncRequest, CampaignSyncReport> {
    public static final String FILE = "campaigns.csv";

    /** Statuses of a campaign that went out. */
    static final Set<String> SENT = Set.of("Sent", "Sending", "Variations Sent");

    /** @param placedOrderMetricId SHOPIFY_PLACED_ORDER_METRIC_ID */
    public record Settings(Optional<String> placedOrderMetricId) {}

    /** @param quota the report calls each account may still spend today, asked before any is spent */
    public CampaignSync(Settings settings, ReportQuota quota, Clock clock) {
        this(settings, quota, ReportCache.none(), clock);
    }

    /** @param cache the conversion metric and audience names per account, kept between runs */
    public CampaignSync(Settings settings, ReportQuota quota, ReportCache cache, Clock clock) {
        super("campaigns", FILE, CampaignSchema.HEADER, settings.placedOrderMetricId(), quota, cache, clock);
    }

    @Override
    public String summary(CampaignSyncRequest req, CampaignSyncReport r) {
        return req.channel().wire() + ", " + r.window().days() + " days, " + r.campaigns() + " campaigns";
    }

    @Override
    protected CampaignSyncReport run(CampaignSyncRequest req, SyncContext context, RowSink sink, Start start) {
        KlaviyoClient client = start.client();
        AccountZone account = start.account();
        ZoneId zone = account.zone();
        ReportWindow window = start.window();
        ConversionMetric metric = start.metric();
        String channel = req.channel().wire();
        Instant since = window.first().atStartOfDay(zone).toInstant();
        Map<String, CampaignInfo> listed = new TreeMap<>();
        CampaignCatalog.updatedSince(client, channel, since).forEach(c -> listed.put(c.campaign().id(), c));

        List<CampaignInfo> sent = listed.values().stream()
                .filter(c -> SENT.contains(c.campaign().status()) && c.sendTime() != null
                        && window.contains(LocalDate.ofInstant(c.sendTime(), zone)))
                .sorted(Comparator.comparing(CampaignInfo::sendTime).thenComparing(c -> c.campaign().id())).toList();
        List<CampaignInfo> selected = req.limitCampaigns().map(n -> sent.stream().limit(n).toList()).orElse(sent);
        Map<String, String> caps = new LinkedHashMap<>();
        boolean capped = selected.size() < sent.size();
        if (capped) caps.put("limitCampaigns", "kept the first " + selected.size() + " campaigns by send time, left out " + (sent.size() - selected.size()));
        long messages = selected.stream().mapToLong(c -> c.messages().size()).sum();
        ReportPlan plan = ReportPlanner.campaigns(window, messages, quota, client);
        context.expect(plan.reportCalls());
        context.plan("aggregation", "range", plan.choice());
        caps.forEach(context::cap);

        // Under the cap only the selected campaigns' lines count: asked for by a filter when it can list them, and
        // kept here either way (the same lines the filter gives; no call more).
        Set<String> selectedIds = new TreeSet<>();
        selected.forEach(c -> selectedIds.add(c.campaign().id()));
        String filter = capped ? Resources.containsAny("campaign_id", selectedIds).orElse(null) : null;
        Map<String, CampaignReports.Line> lines = new LinkedHashMap<>();
        int done = 0;
        for (ReportWindow w : plan.calls()) {
            CampaignReports.fetch(client, w, channel, metric.id(), filter).forEach((id, l) -> {
                if (!capped || selectedIds.contains(l.campaignId())) lines.putIfAbsent(id, l);
            });
            context.progress(++done);
        }

        // Campaigns with activity but not (yet) selected: listed ones with another status, or archived ones.
        Map<String, CampaignInfo> rowsOf = new TreeMap<>();
        selected.forEach(c -> rowsOf.put(c.campaign().id(), c));
        Set<String> unlisted = new LinkedHashSet<>();
        for (CampaignReports.Line l : lines.values()) {
            if (rowsOf.containsKey(l.campaignId())) continue;
            if (listed.containsKey(l.campaignId())) rowsOf.put(l.campaignId(), listed.get(l.campaignId()));
            else unlisted.add(l.campaignId());
        }
        CampaignCatalog.archived(client, channel, unlisted).forEach(c -> rowsOf.put(c.campaign().id(), c));

        Set<String> audienceIds = new LinkedHashSet<>();
        rowsOf.values().forEach(c -> audienceIds.addAll(c.campaign().audiencesIncluded()));
        Map<String, String> audienceNames = AudienceNames.of(client, audienceIds, cache, account.accountId(), clock.instant());

        List<CampaignRow> rows = new ArrayList<>();
        for (CampaignInfo c : rowsOf.values()) {
            for (CampaignMessage m : c.messages()) {
                CampaignReports.Line l = lines.get(m.id());
                Instant sendTime = messageSendTime(c, m);
                LocalDate day = sendTime == null ? window.first() : LocalDate.ofInstant(sendTime, zone);
                rows.add(new CampaignRow(day, c.campaign().id(), c.campaign().name(), m.id(), m.subject(),
                        m.channel() != null ? m.channel() : channel, c.campaign().status(), sendTime,
                        c.campaign().audiencesIncluded().stream().map(id -> audienceNames.getOrDefault(id, id)).toList(),
                        l != null ? l.metrics() : Metrics.zeros(Statistic.CAMPAIGN_COLUMNS), c.tags()));
            }
        }
        rows.sort(CampaignRow.ORDER);
        RowSample sample = new RowSample(CampaignSchema.HEADER, SAMPLE_ROWS);
        for (CampaignRow r : rows) {
            List<String> cells = CampaignSchema.row(r);
            sample.offer(cells);
            sink.row(cells);
        }
        return new CampaignSyncReport(rows.size(), rowsOf.size(), window, zone, account.zoneSource(), metric, plan,
                caps, sample.rows(), start.calls());
    }

    /** The message's own send time when Klaviyo gives one, else the campaign's. */
    private static Instant messageSendTime(CampaignInfo c, CampaignMessage m) {
        return m.sendTimes().stream().map(CampaignMessage.SendTime::datetime).filter(t -> t != null)
                .min(Instant::compareTo).orElse(c.sendTime());
    }
}

package dev.ksync.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.report.MetricAggregate;
import dev.ksync.klaviyo.report.MetricAggregateQuery;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.SeriesReport;
import dev.ksync.klaviyo.report.ValuesReport;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.Page;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportWindow;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One execution of an account's backfill, from the status row's next_day to its last_day: the catalog (campaigns and
 * flows, archived ones too) once, campaign statistics (one values report a year, each message dated to its campaign's send day), then
 * day by day the orders (Placed Order events, paged 1000 at a time in windows sized by their density) with the
 * flow statistics (daily series reports, 60 days a call), each day committed with its progress; at the end the
 * validation against Klaviyo's metric aggregates. A nightly continuation first replaces the statistics of its
 * stored days from refresh_from on (Klaviyo keeps attributing events to recent sends): the same two reports, started
 * at refresh_from, serve those days and the new ones, so the refresh costs no report call of its own while the
 * window and the new days fit one flow series call.
 */
final class BackfillRun {
    /** Flow series reports cover at most this many days per call (Klaviyo's limit for a daily interval). */
    static final int FLOW_WINDOW_DAYS = 60;
    /** Placed Order events one order window aims at: its last, partial page is the only call it wastes. */
    static final int EVENTS_PER_WINDOW = 20_000;
    /** Orders held in memory before a day's transaction is opened and they are written (memory stays flat). */
    static final int BUFFER = 2_000;
    static final int PAGE_SIZE = 1000;
    private static final List<String> CHANNELS = List.of("email", "sms", "mobile_push");

    /** How an execution ended. */
    sealed interface Outcome {
        record Completed() implements Outcome {}
        /** The run is no longer current (cancelled or restarted elsewhere), or this node is stopping: not here. */
        record Stopped() implements Outcome {}
        /** Today's report quota is spent: run again at {@code until}. */
        record Waiting(Instant until) implements Outcome {}
    }

    /** The day the run was at when it failed, with the cause. */
    static final class DayFailure extends RuntimeException {
        final LocalDate day;

        DayFailure(LocalDate day, RuntimeException cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
            this.day = day;
        }
    }

    private static final class QuotaSpent extends RuntimeException {
        final Instant until;

        QuotaSpent(Instant until) {
            super(null, null, false, false);
            this.until = until;
        }
    }

    private static final class NotCurrent extends RuntimeException {
        NotCurrent() {
            super(null, null, false, false);
        }
    }

    private final BackfillStore store;
    private final KlaviyoClient client;
    private final ReportQuota quota;
    private final Clock clock;
    private final BackfillStore.Row run;
    private final ZoneId zone;
    private final String metricId;
    private LocalDate at;
    /** True once this node is shutting down: the run stops after the day it is on (see {@link #stopWhen}). */
    private BooleanSupplier stopping = () -> false;

    BackfillRun(BackfillStore store, KlaviyoClient client, ReportQuota quota, Clock clock, BackfillStore.Row run,
                String metricId) {
        this.store = store;
        this.client = client;
        this.quota = quota;
        this.clock = clock;
        this.run = run;
        this.zone = ZoneId.of(run.timezone());
        this.metricId = metricId;
        this.at = run.nextDay();
    }

    /** The run ends as {@link Outcome.Stopped} after the first day committed once {@code stopping} is true. */
    BackfillRun stopWhen(BooleanSupplier stopping) {
        this.stopping = stopping;
        return this;
    }

    Outcome execute() {
        try {
            if (!run.catalogDone()) {
                catalog();
            }
            if (run.nextDay() != null) {
                days();
            }
            at = null;
            JsonNode validation = run.params().includeOrders() ? validate() : null;
            return store.complete(run, validation, clock.instant()) ? new Outcome.Completed() : new Outcome.Stopped();
        } catch (QuotaSpent q) {
            return new Outcome.Waiting(q.until);
        } catch (NotCurrent n) {
            return new Outcome.Stopped();
        } catch (RuntimeException e) {
            throw new DayFailure(at, e);
        }
    }

    /**
     * Every campaign (each channel) and flow, archived ones too: they sent messages within the history, which orders
     * are attributed to and campaign statistics name. One listing more per channel and for flows.
     */
    private void catalog() {
        List<BackfillStore.CampaignObject> campaigns = new ArrayList<>();
        for (String channel : CHANNELS) {
            Query channelQuery = Query.all().filter(Filter.equals("messages.channel", channel))
                    .add("include", "campaign-messages");
            for (Query q : Listings.andArchived(channelQuery)) {
                try (Stream<Page> pages = client.list(Listings.pages(Endpoints.CAMPAIGNS), q)) {
                    pages.forEach(p -> p.data().forEach(c -> campaigns.add(new BackfillStore.CampaignObject(channel, c))));
                }
            }
        }
        List<JsonNode> flows = new ArrayList<>();
        for (Query q : Listings.andArchived(Query.all())) {
            try (Stream<Flow> s = client.list(Listings.FLOWS, q)) {
                s.map(Flow::raw).forEach(flows::add);
            }
        }
        if (!store.saveCatalog(run, campaigns, flows, clock.instant())) {
            throw new NotCurrent();
        }
    }

    private void days() {
        LocalDate from = run.refreshFrom() != null ? run.refreshFrom() : run.nextDay();
        Map<LocalDate, List<DailyStat>> campaignStats = campaignStats(from);
        Map<String, String> campaignOfMessage = store.campaignOfMessage(run.account());
        double perDay = -1; // Placed Order events a day, learnt from the windows read so far
        LocalDate day = from;
        while (!day.isAfter(run.lastDay())) {
            LocalDate flowEnd = min(day.plusDays(FLOW_WINDOW_DAYS), run.lastDay().plusDays(1));
            Map<LocalDate, List<DailyStat>> flowStats = flowStats(new ReportWindow(day, flowEnd));
            for (; day.isBefore(run.nextDay()) && day.isBefore(flowEnd); day = day.plusDays(1)) {
                at = day;
                if (!store.refreshDay(run, day, flowStats.getOrDefault(day, List.of()),
                        campaignStats.getOrDefault(day, List.of()), clock.instant()) || stopping.getAsBoolean()) {
                    throw new NotCurrent();
                }
            }
            while (day.isBefore(flowEnd)) {
                int span = (int) (flowEnd.toEpochDay() - day.toEpochDay());
                int windowDays = perDay < 0 ? Math.min(span, 7)
                        : (int) Math.max(1, Math.min(span, Math.floor(EVENTS_PER_WINDOW / Math.max(perDay, 1e-9))));
                LocalDate windowEnd = day.plusDays(windowDays);
                long events = orderWindow(day, windowEnd, flowStats, campaignStats, campaignOfMessage);
                perDay = (double) events / windowDays;
                day = windowEnd;
            }
        }
    }

    /** Commits every day of [from, to), with its orders when the backfill includes them; the events read. */
    private long orderWindow(LocalDate from, LocalDate to, Map<LocalDate, List<DailyStat>> flowStats,
                             Map<LocalDate, List<DailyStat>> campaignStats, Map<String, String> campaignOfMessage) {
        long read = 0;
        LocalDate day = from;
        List<OrderRow> buffer = new ArrayList<>();
        BackfillStore.DayTx tx = store.day(run, day);
        try {
            if (run.params().includeOrders()) {
                Query q = Query.all().filter(Filter.equals("metric_id", metricId))
                        .filter(Filter.greaterOrEqual("datetime", from.atStartOfDay(zone).toInstant()))
                        .filter(Filter.lessThan("datetime", to.atStartOfDay(zone).toInstant()))
                        .sort("datetime").pageSize(PAGE_SIZE).add("include", "profile").param("fields[profile]", "email");
                try (Stream<Event> events = client.list(Listings.EVENTS, q)) {
                    Iterator<Event> it = events.iterator();
                    while (it.hasNext()) {
                        OrderRow o = OrderRow.from(it.next(), zone, campaignOfMessage);
                        read++;
                        while (o.day().isAfter(day)) {
                            finish(tx, buffer, day, flowStats, campaignStats);
                            day = day.plusDays(1);
                            tx = store.day(run, day);
                        }
                        buffer.add(o);
                        // a day past the buffer writes in parts inside its (then open) transaction
                        if (buffer.size() >= BUFFER) {
                            write(tx, buffer);
                        }
                    }
                }
            }
            while (day.isBefore(to)) {
                finish(tx, buffer, day, flowStats, campaignStats);
                day = day.plusDays(1);
                tx = store.day(run, day);
            }
        } finally {
            tx.close();
        }
        return read;
    }

    private void write(BackfillStore.DayTx tx, List<OrderRow> buffer) {
        if (!tx.write(buffer)) throw new NotCurrent();
        buffer.clear();
    }

    private void finish(BackfillStore.DayTx tx, List<OrderRow> buffer, LocalDate day,
                        Map<LocalDate, List<DailyStat>> flowStats, Map<LocalDate, List<DailyStat>> campaignStats) {
        at = day;
        write(tx, buffer);
        if (!tx.finish(flowStats.getOrDefault(day, List.of()), campaignStats.getOrDefault(day, List.of()),
                clock.instant())) {
            throw new NotCurrent();
        }
        tx.close();
        if (stopping.getAsBoolean()) throw new NotCurrent();
    }

    /** Daily flow statistics per message over the window, by day. */
    private Map<LocalDate, List<DailyStat>> flowStats(ReportWindow w) {
        spend(Endpoints.FLOW_SERIES_REPORT.operationId());
        ReportRequest r = ReportRequest.series(DailyStat.STATISTICS, w.timeframe(), metricId, "daily")
                .withGroupBy(List.of("flow_id", "flow_message_id", "send_channel"));
        SeriesReport report = client.flowSeriesReport(r);
        Map<LocalDate, List<DailyStat>> out = new HashMap<>();
        for (SeriesReport.Row row : report.results()) {
            for (int i = 0; i < report.days().size(); i++) {
                LocalDate day = report.days().get(i);
                if (!w.contains(day)) continue;
                int k = i;
                DailyStat s = DailyStat.of(day, row.groupings().get("flow_id"), row.groupings().get("flow_message_id"),
                        row.groupings().get("send_channel"), name -> {
                            List<Double> v = row.statistics().get(name);
                            return v == null || k >= v.size() ? null : v.get(k);
                        });
                if (s.active()) out.computeIfAbsent(day, d -> new ArrayList<>()).add(s);
            }
        }
        return out;
    }

    /**
     * Campaign statistics per message of the campaigns sent from {@code from} to the last day (one values report per
     * year of it, summed: a message's events follow its send), each dated to its campaign's send day.
     */
    private Map<LocalDate, List<DailyStat>> campaignStats(LocalDate from) {
        Map<String, LocalDate> sendDays = store.campaignSendDays(run.account(), run.timezone());
        Map<String, Map<String, Double>> sums = new TreeMap<>();
        Map<String, String[]> keys = new HashMap<>();
        for (ReportWindow w : new ReportWindow(from, run.lastDay().plusDays(1)).splitYears()) {
            spend(Endpoints.CAMPAIGN_VALUES_REPORT.operationId());
            ReportRequest r = ReportRequest.values(DailyStat.STATISTICS, w.timeframe(), metricId)
                    .withGroupBy(List.of("campaign_id", "campaign_message_id", "send_channel"));
            for (ValuesReport.Row row : client.campaignValuesReport(r).results()) {
                String message = row.groupings().get("campaign_message_id");
                keys.putIfAbsent(message, new String[] {row.groupings().get("campaign_id"),
                        row.groupings().get("send_channel")});
                Map<String, Double> sum = sums.computeIfAbsent(message, m -> new HashMap<>());
                row.statistics().forEach((k, v) -> sum.merge(k, v, Double::sum));
            }
        }
        Map<LocalDate, List<DailyStat>> out = new HashMap<>();
        sums.forEach((message, sum) -> {
            String[] k = keys.get(message);
            LocalDate day = sendDays.get(k[0]);
            if (day == null || day.isBefore(from) || day.isAfter(run.lastDay())) return;
            DailyStat s = DailyStat.of(day, k[0], message, k[1], sum::get);
            if (s.active()) out.computeIfAbsent(day, d -> new ArrayList<>()).add(s);
        });
        return out;
    }

    /** One report call is about to be made: when today's quota is spent, the run waits for it to reset. */
    private void spend(String operationId) {
        ReportQuota.Allowance left = quota.remaining(client, operationId);
        if (left.remaining() < 1) {
            throw new QuotaSpent(left.resetsAt() == null ? clock.instant().plus(Duration.ofHours(1))
                    : left.resetsAt());
        }
    }

    /**
     * Per-day order counts and revenue against Klaviyo's Placed Order aggregates by day over the whole range (one
     * call a year, Klaviyo's longest range); the days that differ.
     */
    JsonNode validate() {
        Map<LocalDate, long[]> ours = store.dailyOrders(run.account(), run.firstDay(), run.lastDay());
        Map<LocalDate, long[]> theirs = new TreeMap<>();
        for (ReportWindow w : new ReportWindow(run.firstDay(), run.lastDay().plusDays(1)).splitYears()) {
            MetricAggregate a = client.metricAggregates(MetricAggregateQuery.of(metricId, List.of("count", "sum_value"),
                    w.first().atStartOfDay(zone).toInstant(), w.end().atStartOfDay(zone).toInstant(), zone.getId()));
            for (MetricAggregate.Row row : a.data()) {
                List<Double> counts = row.measurements().getOrDefault("count", List.of());
                List<Double> sums = row.measurements().getOrDefault("sum_value", List.of());
                for (int i = 0; i < a.dates().size(); i++) {
                    LocalDate day = LocalDate.ofInstant(a.dates().get(i), zone);
                    long n = i < counts.size() && counts.get(i) != null ? Math.round(counts.get(i)) : 0;
                    long cents = i < sums.size() && sums.get(i) != null ? Math.round(sums.get(i) * 100) : 0;
                    theirs.merge(day, new long[] {n, cents}, (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
                }
            }
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode v = f.objectNode();
        v.put("checked_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        v.put("days_checked", (int) (run.lastDay().toEpochDay() - run.firstDay().toEpochDay() + 1));
        var mismatches = v.putArray("mismatches");
        for (LocalDate d = run.firstDay(); !d.isAfter(run.lastDay()); d = d.plusDays(1)) {
            long[] o = ours.getOrDefault(d, new long[2]);
            long[] k = theirs.getOrDefault(d, new long[2]);
            // revenue may differ by rounding of the sum; a cent a few orders is no mismatch
            if (o[0] != k[0] || Math.abs(o[1] - k[1]) > Math.max(1, o[0] / 100)) {
                mismatches.addObject().put("date", d.toString()).put("orders", o[0]).put("klaviyo_orders", k[0])
                        .put("revenue", BigDecimal.valueOf(o[1], 2)).put("klaviyo_revenue", BigDecimal.valueOf(k[1], 2));
            }
        }
        return v;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }
}

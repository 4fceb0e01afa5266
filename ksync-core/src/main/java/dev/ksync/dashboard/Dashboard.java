package dev.ksync.dashboard;

import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.dashboard.DashboardView.Measures;
import dev.ksync.dashboard.DashboardView.NextRun;
import dev.ksync.dashboard.DashboardView.Series;
import dev.ksync.dashboard.DashboardView.SnapshotInfo;
import dev.ksync.dashboard.DashboardView.SourceTotals;
import dev.ksync.dashboard.DashboardView.Top;
import dev.ksync.dashboard.DashboardView.TopItem;
import dev.ksync.dashboard.DashboardView.Totals;
import dev.ksync.error.KsyncException;
import dev.ksync.schedule.ScheduleBoard;
import dev.ksync.schedule.ScheduledTasks;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.snapshot.SnapshotProcessor;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.snapshot.Upload;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard of one account over a range, computed in PostgreSQL: the daily series and the totals are aggregated
 * by SQL (one row per day comes back, never one per message or order).
 *
 * <p>Where the numbers come from, per day and source (flows, campaigns): the newest ready snapshot's series row when
 * it has one (the nightly update keeps its recent days patched, so it is fresher), else the sums of the backfill's
 * daily statistics. Subscriber counts come from the snapshot. Top flows and campaigns come from the backfill's daily
 * statistics when it has any in the range, else from the newest ready snapshot's sums per flow and campaign and day
 * (table snapshot_tops, stored when the snapshot was made ready; its days only). The currency is Klaviyo's account
 * currency as the newest update read it, else the backfill's orders', else USD.
 */
public final class Dashboard {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Dashboard.class);
    private static final int TOP = 10;
    private static final String DEFAULT_CURRENCY = "USD";

    private final Jdbi jdbi;
    private final AccountService accounts;
    private final Snapshots snapshots;
    private final SnapshotProcessor processor;
    private final ScheduleBoard schedules;
    private final Clock clock;

    public Dashboard(Jdbi jdbi, AccountService accounts, Snapshots snapshots, SnapshotProcessor processor,
            ScheduleBoard schedules, Clock clock) {
        this.jdbi = jdbi;
        this.accounts = accounts;
        this.snapshots = snapshots;
        this.processor = processor;
        this.schedules = schedules;
        this.clock = clock;
    }

    /** The dashboard of {@code id} for the request's start and end (absent: the last 90 days ending yesterday). */
    public DashboardView read(AccountId id, Optional<String> start, Optional<String> end) {
        Account account = accounts.find(id).orElseThrow(() -> KsyncException.notFound("account", id.value()));
        return jdbi.withHandle(h -> {
            ZoneId zone = zone(h, id);
            DashboardRange range = DashboardRange.of(start, end, LocalDate.now(clock.withZone(zone)).minusDays(1));
            Optional<Snapshot> ready = snapshots.newestReady(id);
            Optional<Snapshot> latest = snapshots.list(id).stream().findFirst();
            long snapshotId = ready.map(Snapshot::id).orElse(-1L);
            String mail = mailSql();
            Series series = series(h, mail, id, range, snapshotId);
            Totals totals = totals(h, mail, id, range, snapshotId, series);
            Top flows = top(h, "flow", id, range);
            Top campaigns = top(h, "campaign", id, range);
            if (flows.items().isEmpty() && campaigns.items().isEmpty() && ready.isPresent()
                    && topsStored(h, ready.get().id())) {
                flows = snapshotTop(h, "flow", ready.get().id(), range);
                campaigns = snapshotTop(h, "campaign", ready.get().id(), range);
            }
            Currency currency = currency(h, id);
            return new DashboardView(id.value(), account.name(), zone.getId(), currency.code(), currency.source(),
                    range.start(), range.end(), series, totals, flows,
                    campaigns, ready.map(s -> info(s, Upload.FILES)), latest.map(s -> info(s, List.of())),
                    hasBackfill(h, id), nextRun());
        });
    }

    private static SnapshotInfo info(Snapshot s, List<String> files) {
        return new SnapshotInfo(s.id(), s.status().wireName(), s.createdAt(), s.updatedAt(), s.error(), files);
    }

    private Optional<NextRun> nextRun() {
        return schedules.read().schedules().stream().filter(s -> s.name().equals(ScheduledTasks.NIGHTLY))
                .filter(s -> s.enabled() && s.nextRun().isPresent())
                .map(s -> new NextRun(s.name(), s.nextRun().get(), s.cron().map(Object::toString).orElse(null)))
                .findFirst();
    }

    private static boolean hasBackfill(Handle h, AccountId id) {
        return h.createQuery("select exists (select 1 from backfill_status where account_id = :a)")
                .bind("a", id.value()).mapTo(Boolean.class).one();
    }

    /** The timezone the account's days are counted in: its newest upload's, else its backfill's, else UTC. */
    private static ZoneId zone(Handle h, AccountId id) {
        Optional<String> name = h.createQuery("select u.timezone from snapshots s join uploads u on u.id = s.upload_id"
                        + " where s.account_id = :a order by s.id desc limit 1")
                .bind("a", id.value()).mapTo(String.class).findOne();
        if (name.isEmpty()) {
            name = h.createQuery("select timezone from backfill_status where account_id = :a and timezone is not null")
                    .bind("a", id.value()).mapTo(String.class).findOne();
        }
        try {
            return name.map(ZoneId::of).orElse(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private record Currency(String code, String source) {}

    /**
     * Klaviyo's account currency as the account's newest update to read it stored it with its upload ("account"),
     * else the currency of the backfill's orders ("backfill"), else USD ("default").
     */
    private static Currency currency(Handle h, AccountId id) {
        Optional<String> account = h.createQuery("select u.currency from snapshots s join uploads u on u.id = s.upload_id"
                        + " where s.account_id = :a and u.currency is not null order by s.id desc limit 1")
                .bind("a", id.value()).mapTo(String.class).findOne();
        if (account.isPresent()) {
            return new Currency(account.get(), "account");
        }
        return h.createQuery("select currency from backfill_status where account_id = :a and currency ~ '^[A-Z]{3}$'")
                .bind("a", id.value()).mapTo(String.class).findOne().map(c -> new Currency(c, "backfill"))
                .orElse(new Currency(DEFAULT_CURRENCY, "default"));
    }

    /**
     * Whether the snapshot's top sums are stored; a snapshot made ready before they were stored with it gets them
     * computed from its CSVs now, once.
     */
    private boolean topsStored(Handle h, long snapshotId) {
        try {
            processor.storeTopsOnce(h, snapshotId);
            return true;
        } catch (KsyncException e) {
            // the top lists are a side dish: an unreadable CSV must not take the series and totals down
            log.warn("Top flows and campaigns of snapshot {} unavailable: {}", snapshotId, e.getMessage());
            return false;
        }
    }

    /**
     * Top flows ({@code kind} "flow") or campaigns ("campaign") by revenue from a snapshot's sums: counts summed, the
     * revenue summed then rounded to cents, the name of the item's latest day in the range (its id when blank).
     */
    private static Top snapshotTop(Handle h, String kind, long snapshotId, DashboardRange range) {
        List<TopItem> items = h.createQuery("""
                        select item_id as id,
                               coalesce(nullif((array_agg(name order by day desc))[1], ''), item_id) as name,
                               sum(delivered) as delivered, sum(opens) as opens, sum(clicks) as clicks,
                               sum(orders) as orders, round(sum(revenue), 2) as revenue
                        from snapshot_tops
                        where snapshot_id = :snapshot and kind = :kind and day between :start and :end
                        group by item_id
                        order by revenue desc, delivered desc, item_id collate "C"
                        limit\s""" + TOP)
                .bind("snapshot", snapshotId).bind("kind", kind).bind("start", range.start()).bind("end", range.end())
                .map((rs, ctx) -> new TopItem(rs.getString("id"), rs.getString("name"), rs.getLong("delivered"),
                        rs.getLong("opens"), rs.getLong("clicks"), rs.getLong("orders"), rs.getBigDecimal("revenue")))
                .list();
        return new Top(items.isEmpty() ? "none" : "snapshot", items);
    }

    /**
     * The {@code mail} CTE: one row per day of the range and source (flows, campaigns), from the snapshot's series row
     * where it has one, else from the backfill's daily statistics summed over messages.
     */
    private static String mailSql() {
        String stats = "sum(delivered) as delivered, sum(opens_unique) as opens, sum(clicks_unique) as clicks,"
                + " sum(conversions) as orders, sum(conversion_value) as revenue";
        String bf = "select day, 'flows' as source, " + stats + " from backfill_flow_daily"
                + " where account_id = :account and day between :start and :end group by day"
                + " union all select day, 'campaigns' as source, " + stats + " from backfill_campaign_daily"
                + " where account_id = :account and day between :start and :end group by day";
        return """
                with days as (
                    select g::date as day from generate_series(cast(:start as date), cast(:end as date),
                        interval '1 day') g
                ), snap as (
                    select day, source, delivered, unique_opens as opens, unique_clicks as clicks,
                           placed_orders as orders, revenue
                    from snapshot_series
                    where snapshot_id = :snapshot and source <> 'all' and day between :start and :end
                ), bf as (
                """ + bf + """
                ), mail as (
                    select d.day, s.source,
                        (case when sn.day is not null then sn.delivered else coalesce(b.delivered, 0) end)::bigint
                            as delivered,
                        (case when sn.day is not null then sn.opens else coalesce(b.opens, 0) end)::bigint as opens,
                        (case when sn.day is not null then sn.clicks else coalesce(b.clicks, 0) end)::bigint as clicks,
                        (case when sn.day is not null then sn.orders else coalesce(b.orders, 0) end)::bigint as orders,
                        (case when sn.day is not null then sn.revenue else coalesce(b.revenue, 0) end)::numeric(16, 2)
                            as revenue
                    from days d cross join (values ('flows'), ('campaigns')) s(source)
                    left join snap sn on sn.day = d.day and sn.source = s.source
                    left join bf b on b.day = d.day and b.source = s.source
                )
                """;
    }

    private static Series series(Handle h, String mail, AccountId id, DashboardRange range, long snapshotId) {
        List<LocalDate> days = new ArrayList<>();
        Columns f = new Columns(), c = new Columns(), all = new Columns();
        List<Long> fresh = new ArrayList<>(), total = new ArrayList<>();
        h.createQuery(mail + """
                select f.day,
                       f.delivered as f_delivered, f.opens as f_opens, f.clicks as f_clicks, f.orders as f_orders,
                       f.revenue as f_revenue,
                       c.delivered as c_delivered, c.opens as c_opens, c.clicks as c_clicks, c.orders as c_orders,
                       c.revenue as c_revenue,
                       f.delivered + c.delivered as a_delivered, f.opens + c.opens as a_opens,
                       f.clicks + c.clicks as a_clicks, f.orders + c.orders as a_orders,
                       f.revenue + c.revenue as a_revenue,
                       coalesce(a.new_subscribers, 0) as new_subscribers,
                       coalesce(max(a.subscribers_total) over (order by f.day),
                           (select subscribers_total from snapshot_series where snapshot_id = :snapshot
                               and source = 'all' and day < :start order by day desc limit 1), 0)
                           as subscribers_total
                from mail f
                join mail c on c.day = f.day and c.source = 'campaigns'
                left join snapshot_series a on a.snapshot_id = :snapshot and a.source = 'all' and a.day = f.day
                where f.source = 'flows'
                order by f.day""")
                .bind("account", id.value()).bind("start", range.start()).bind("end", range.end())
                .bind("snapshot", snapshotId)
                .map((rs, ctx) -> {
                    days.add(rs.getObject("day", LocalDate.class));
                    f.add(rs, "f_");
                    c.add(rs, "c_");
                    all.add(rs, "a_");
                    fresh.add(rs.getLong("new_subscribers"));
                    total.add(rs.getLong("subscribers_total"));
                    return 0;
                }).list();
        return new Series(days, f.measures(), c.measures(), all.measures(), fresh, total);
    }

    /** Columns being filled from the series rows. */
    private static final class Columns {
        final List<Long> delivered = new ArrayList<>(), opens = new ArrayList<>(), clicks = new ArrayList<>(),
                orders = new ArrayList<>();
        final List<BigDecimal> revenue = new ArrayList<>();

        void add(ResultSet rs, String prefix) throws SQLException {
            delivered.add(rs.getLong(prefix + "delivered"));
            opens.add(rs.getLong(prefix + "opens"));
            clicks.add(rs.getLong(prefix + "clicks"));
            orders.add(rs.getLong(prefix + "orders"));
            revenue.add(rs.getBigDecimal(prefix + "revenue"));
        }

        Measures measures() {
            return new Measures(delivered, opens, clicks, orders, revenue);
        }
    }

    private static Totals totals(Handle h, String mail, AccountId id, DashboardRange range, long snapshotId,
            Series series) {
        Map<String, SourceTotals> bySource = new java.util.HashMap<>();
        h.createQuery(mail + """
                select coalesce(source, 'all') as source, sum(delivered) as delivered, sum(opens) as opens,
                       sum(clicks) as clicks, sum(orders) as orders, sum(revenue) as revenue,
                       round(sum(opens)::numeric / nullif(sum(delivered), 0), 6) as open_rate,
                       round(sum(clicks)::numeric / nullif(sum(delivered), 0), 6) as click_rate,
                       round(sum(orders)::numeric / nullif(sum(delivered), 0), 6) as order_rate,
                       round(sum(revenue) / nullif(sum(delivered), 0), 2) as revenue_per_recipient
                from mail group by rollup (source)""")
                .bind("account", id.value()).bind("start", range.start()).bind("end", range.end())
                .bind("snapshot", snapshotId)
                .map((rs, ctx) -> bySource.put(rs.getString("source"), new SourceTotals(rs.getLong("delivered"),
                        rs.getLong("opens"), rs.getLong("clicks"), rs.getLong("orders"), rs.getBigDecimal("revenue"),
                        dec(rs, "open_rate"), dec(rs, "click_rate"), dec(rs, "order_rate"),
                        dec(rs, "revenue_per_recipient"))))
                .list();
        long fresh = h.createQuery("select coalesce(sum(new_subscribers), 0) from snapshot_series"
                        + " where snapshot_id = :snapshot and source = 'all' and day between :start and :end")
                .bind("snapshot", snapshotId).bind("start", range.start()).bind("end", range.end())
                .mapTo(Long.class).one();
        // the running total on the range's last day, as the series' last entry already holds it
        long total = series.subscribersTotal().isEmpty() ? 0 : series.subscribersTotal().getLast();
        return new Totals(bySource.get("flows"), bySource.get("campaigns"), bySource.get("all"), fresh, total);
    }

    /** Top flows ({@code kind} "flow") or campaigns ("campaign") by revenue from the backfill's daily statistics. */
    private static Top top(Handle h, String kind, AccountId id, DashboardRange range) {
        String daily = "backfill_" + kind + "_daily", names = "backfill_" + kind + "s", key = kind + "_id";
        List<TopItem> items = h.createQuery("select d." + key + " as id, "
                        + "coalesce(max(n.name), d." + key + ") as name,"
                        + " coalesce(sum(d.delivered), 0) as delivered, coalesce(sum(d.opens_unique), 0) as opens,"
                        + " coalesce(sum(d.clicks_unique), 0) as clicks, coalesce(sum(d.conversions), 0) as orders,"
                        + " coalesce(sum(d.conversion_value), 0) as revenue from " + daily + " d"
                        + " left join " + names + " n on n.account_id = d.account_id and n." + key + " = d." + key
                        + " where d.account_id = :account and d.day between :start and :end group by d." + key
                        + " order by revenue desc, delivered desc, id limit " + TOP)
                .bind("account", id.value()).bind("start", range.start()).bind("end", range.end())
                .map((rs, ctx) -> new TopItem(rs.getString("id"), rs.getString("name"), rs.getLong("delivered"),
                        rs.getLong("opens"), rs.getLong("clicks"), rs.getLong("orders"), rs.getBigDecimal("revenue")))
                .list();
        return new Top(items.isEmpty() ? "none" : "backfill", items);
    }

    private static Optional<BigDecimal> dec(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getBigDecimal(column));
    }
}

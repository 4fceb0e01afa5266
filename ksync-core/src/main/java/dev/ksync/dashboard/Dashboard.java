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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard of one account over a range, computed in PostgreSQL: the daily series and the totals are aggregated
 * by SQL (one row per day comes back, never one per message or order).
 *
 * <p>Where the numbers come from, per day and source (flows, campaigns): the newest ready snapshot on the days it
 * covers (the days its updates asked Klaviyo for, table snapshot_coverage; its series row, zero where it has none:
 * the nightly update keeps its recent days patched, so it is fresher), else the sums of the backfill's daily
 * statistics. Campaigns are those of the update's one channel ({@link Upload#CAMPAIGN_CHANNEL}, email) on every day,
 * flows every channel, as the update's CSVs hold them. Subscriber counts come from the snapshot. Top flows and
 * campaigns take each day from the same place (the snapshot's sums per item and day, table snapshot_tops, or the
 * backfill's), so they add up to the totals. The currency is Klaviyo's account currency as the newest update read
 * it, else the backfill's orders', else USD.
 */
public final class Dashboard {
    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    private static final int TOP = 10;
    private static final String DEFAULT_CURRENCY = "USD";
    private static final ZoneId UTC = ZoneId.of("UTC");

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
        Account account = accounts.find(id).orElseThrow(() -> AccountService.notRegistered(id));
        return jdbi.withHandle(h -> {
            ZoneId zone = zone(h, id);
            DashboardRange range = DashboardRange.of(start, end, LocalDate.now(clock.withZone(zone)).minusDays(1));
            Optional<Snapshot> ready = snapshots.newestReady(id);
            Optional<Snapshot> latest = snapshots.list(id).stream().findFirst();
            long snapshotId = ready.map(Snapshot::id).orElse(-1L);
            String mail = mailSql();
            Series series = series(h, mail, id, range, snapshotId);
            Totals totals = totals(h, mail, id, range, snapshotId, series);
            if (ready.isPresent()) {
                storeTops(h, ready.get().id());
            }
            Top flows = top(h, "flow", id, range, snapshotId);
            Top campaigns = top(h, "campaign", id, range, snapshotId);
            Currency currency = currency(h, id);
            return new DashboardView(id.value(), account.name(), zone.getId(), currency.code(), currency.source(),
                    range.start(), range.end(), series, totals, flows,
                    campaigns, ready.map(s -> info(s, Upload.FILES)), latest.map(s -> info(s, List.of())),
                    hasBackfill(h, id), account.enabled(), account.enabled() ? nextRun() : Optional.empty());
        });
    }

    private static SnapshotInfo info(Snapshot s, List<String> files) {
        return new SnapshotInfo(s.id(), s.status().wireName(), s.createdAt(), s.updatedAt(), s.error(), files);
    }

    /** The nightly's next firing (asked only for an enabled account: the nightly skips disabled ones). */
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

    /**
     * The timezone the account's days are counted in: its newest ready snapshot's upload's, else its backfill's, else
     * UTC (named "UTC", not "Z"). (An update that failed or died before it learnt the account's timezone left its upload in UTC.)
     */
    private static ZoneId zone(Handle h, AccountId id) {
        Optional<String> name = h.createQuery("select u.timezone from snapshots s join uploads u on u.id = s.upload_id"
                        + " where s.account_id = :a and s.status = 'ready' order by s.id desc limit 1")
                .bind("a", id.value()).mapTo(String.class).findOne();
        if (name.isEmpty()) {
            name = h.createQuery("select timezone from backfill_status where account_id = :a and timezone is not null")
                    .bind("a", id.value()).mapTo(String.class).findOne();
        }
        try {
            return name.map(ZoneId::of).orElse(UTC);
        } catch (DateTimeException e) {
            return UTC;
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
     * Makes sure the snapshot's top sums are stored: a snapshot made ready before they were stored with it gets them
     * computed from its CSVs now, once.
     */
    private void storeTops(Handle h, long snapshotId) {
        try {
            processor.storeTopsOnce(h, snapshotId);
        } catch (KsyncException e) {
            // the top lists are a side dish: an unreadable CSV must not take the series and totals down
            log.warn("Top flows and campaigns of snapshot {} unavailable: {}", snapshotId, e.getMessage());
        }
    }

    /**
     * The days of the range each source takes from the snapshot ({@code covered}: its rows there, zero where it has
     * none), and the backfill's daily statistics of the dashboard's channels ({@code bf}; campaigns: the channel of
     * the update's campaigns.csv, flows: every channel, as flows.csv).
     */
    private static final String SOURCES = """
            with days as (
                select g::date as day from generate_series(cast(:start as date), cast(:end as date), interval '1 day') g
            ), covered as (
                select distinct d.day, c.source from days d
                join snapshot_coverage c on c.snapshot_id = :snapshot and d.day between c.first_day and c.last_day
            ), bf_flows as (
                select * from backfill_flow_daily
                where account_id = :account and day between :start and :end
            ), bf_campaigns as (
                select * from backfill_campaign_daily
                where account_id = :account and day between :start and :end and channel = :channel
            )""";

    /**
     * The {@code mail} CTE: one row per day of the range and source (flows, campaigns), from the snapshot on the days
     * it covers, else from the backfill's daily statistics summed over messages.
     */
    private static String mailSql() {
        String stats = "sum(delivered) as delivered, sum(opens_unique) as opens, sum(clicks_unique) as clicks,"
                + " sum(conversions) as orders, sum(conversion_value) as revenue";
        return SOURCES + """
                , snap as (
                    select day, source, delivered, unique_opens as opens, unique_clicks as clicks,
                           placed_orders as orders, revenue
                    from snapshot_series
                    where snapshot_id = :snapshot and source <> 'all' and day between :start and :end
                ), bf as (
                    select day, 'flows' as source, %1$s from bf_flows group by day
                    union all select day, 'campaigns' as source, %1$s from bf_campaigns group by day
                ), mail as (
                    select d.day, s.source,
                        (case when cv.day is not null then coalesce(sn.delivered, 0) else coalesce(b.delivered, 0) end)
                            ::bigint as delivered,
                        (case when cv.day is not null then coalesce(sn.opens, 0) else coalesce(b.opens, 0) end)::bigint
                            as opens,
                        (case when cv.day is not null then coalesce(sn.clicks, 0) else coalesce(b.clicks, 0) end)
                            ::bigint as clicks,
                        (case when cv.day is not null then coalesce(sn.orders, 0) else coalesce(b.orders, 0) end)
                            ::bigint as orders,
                        (case when cv.day is not null then coalesce(sn.revenue, 0) else coalesce(b.revenue, 0) end)
                            ::numeric(16, 2) as revenue
                    from days d cross join (values ('flows'), ('campaigns')) s(source)
                    left join covered cv on cv.day = d.day and cv.source = s.source
                    left join snap sn on sn.day = d.day and sn.source = s.source
                    left join bf b on b.day = d.day and b.source = s.source
                )
                """.formatted(stats);
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
                .bind("snapshot", snapshotId).bind("channel", Upload.CAMPAIGN_CHANNEL.wire())
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
        Map<String, SourceTotals> bySource = new HashMap<>();
        h.createQuery(mail + """
                select coalesce(source, 'all') as source, sum(delivered) as delivered, sum(opens) as opens,
                       sum(clicks) as clicks, sum(orders) as orders, sum(revenue) as revenue,
                       round(sum(opens)::numeric / nullif(sum(delivered), 0), 6) as open_rate,
                       round(sum(clicks)::numeric / nullif(sum(delivered), 0), 6) as click_rate,
                       round(sum(orders)::numeric / nullif(sum(delivered), 0), 6) as order_rate,
                       round(sum(revenue) / nullif(sum(delivered), 0), 2) as revenue_per_recipient
                from mail group by rollup (source)""")
                .bind("account", id.value()).bind("start", range.start()).bind("end", range.end())
                .bind("snapshot", snapshotId).bind("channel", Upload.CAMPAIGN_CHANNEL.wire())
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

    /**
     * Top flows ({@code kind} "flow") or campaigns ("campaign") by revenue, each day from where the series takes it:
     * the snapshot's sums per item on the days it covers, the backfill's daily statistics on the others. Counts
     * summed, the revenue summed then rounded to cents, the item's name on its latest day (its id when blank).
     */
    private static Top top(Handle h, String kind, AccountId id, DashboardRange range, long snapshotId) {
        String key = kind + "_id";
        boolean[] from = new boolean[2]; // snapshot, backfill
        List<TopItem> items = h.createQuery(SOURCES + """
                        , items as (
                            select t.item_id as id, t.name, t.day, t.delivered, t.opens, t.clicks, t.orders, t.revenue,
                                   true as snapshot
                            from snapshot_tops t join covered cv on cv.day = t.day and cv.source = :source
                            where t.snapshot_id = :snapshot and t.kind = :kind
                            union all
                            select d.%1$s, n.name, d.day, coalesce(d.delivered, 0), coalesce(d.opens_unique, 0),
                                   coalesce(d.clicks_unique, 0), coalesce(d.conversions, 0),
                                   coalesce(d.conversion_value, 0), false
                            from bf_%2$ss d
                            left join backfill_%2$ss n on n.account_id = d.account_id and n.%1$s = d.%1$s
                            where not exists (select 1 from covered cv where cv.day = d.day and cv.source = :source)
                        )
                        select id,
                               coalesce((array_agg(name order by day desc) filter (where name <> ''))[1], id) as name,
                               sum(delivered) as delivered, sum(opens) as opens, sum(clicks) as clicks,
                               sum(orders) as orders, round(sum(revenue), 2) as revenue,
                               bool_or(snapshot) as from_snapshot, bool_or(not snapshot) as from_backfill
                        from items
                        group by id
                        order by revenue desc, delivered desc, id collate "C"
                        limit\s""".formatted(key, kind) + TOP)
                .bind("account", id.value()).bind("start", range.start()).bind("end", range.end())
                .bind("snapshot", snapshotId).bind("channel", Upload.CAMPAIGN_CHANNEL.wire())
                .bind("kind", kind).bind("source", kind + "s")
                .map((rs, ctx) -> {
                    from[0] |= rs.getBoolean("from_snapshot");
                    from[1] |= rs.getBoolean("from_backfill");
                    return new TopItem(rs.getString("id"), rs.getString("name"), rs.getLong("delivered"),
                            rs.getLong("opens"), rs.getLong("clicks"), rs.getLong("orders"), rs.getBigDecimal("revenue"));
                })
                .list();
        return new Top(from[0] && from[1] ? "both" : from[0] ? "snapshot" : from[1] ? "backfill" : "none", items);
    }

    private static Optional<BigDecimal> dec(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getBigDecimal(column));
    }
}

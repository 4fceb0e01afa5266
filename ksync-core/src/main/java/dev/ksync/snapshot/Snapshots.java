package dev.ksync.snapshot;

import dev.ksync.accounts.AccountId;
import dev.ksync.db.SessionLock;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.store.UploadId;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The uploads, snapshots, series, totals and tops tables: every SQL statement writing them is here. */
public final class Snapshots {
    private static final String SNAPSHOT = "select id, account_id, upload_id, status, error, last_email_date, based_on,"
            + " patch_start, patch_end, created_at, updated_at from snapshots";
    private static final String SERIES = "select day, source, delivered, unique_opens, unique_clicks, placed_orders,"
            + " revenue, unsubscribes, complaints, bounces, new_subscribers, subscribers_total from snapshot_series"
            + " where snapshot_id = :id";

    private final Jdbi jdbi;
    private final Clock clock;

    public Snapshots(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Upload createUpload(AccountId account, UploadId id, String bucket, ZoneId zone) {
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("insert into uploads (id, account_id, bucket, timezone, created_at)"
                        + " values (:id, :account, :bucket, :zone, :now)")
                .bind("id", id.value()).bind("account", account.value()).bind("bucket", bucket)
                .bind("zone", zone.getId()).bind("now", ts(now)).execute());
        return new Upload(id, account, bucket, zone, now, Optional.empty(), Optional.empty());
    }

    /** Records the days the upload's flows.csv and campaigns.csv were asked for, once their producers are done. */
    public void setDays(UploadId id, ReportWindow flows, ReportWindow campaigns) {
        jdbi.useHandle(h -> h.createUpdate("update uploads set flows_first = :ff, flows_last = :fl,"
                        + " campaigns_first = :cf, campaigns_last = :cl where id = :id")
                .bind("ff", flows.first()).bind("fl", flows.last()).bind("cf", campaigns.first())
                .bind("cl", campaigns.last()).bind("id", id.value()).execute());
    }

    /** Records the account timezone the upload's files were dated in, once a producer has learnt it. */
    public void setZone(UploadId id, ZoneId zone) {
        jdbi.useHandle(h -> h.createUpdate("update uploads set timezone = :zone where id = :id")
                .bind("zone", zone.getId()).bind("id", id.value()).execute());
    }

    /** Records Klaviyo's account currency (ISO 4217 code) as the upload's producers read it. */
    public void setCurrency(UploadId id, String currency) {
        jdbi.useHandle(h -> h.createUpdate("update uploads set currency = :currency where id = :id")
                .bind("currency", currency).bind("id", id.value()).execute());
    }

    public Optional<Upload> upload(UploadId id) {
        return jdbi.withHandle(h -> h.createQuery("select id, account_id, bucket, timezone, created_at, flows_first,"
                        + " flows_last, campaigns_first, campaigns_last from uploads where id = :id").bind("id", id.value())
                .map((rs, ctx) -> new Upload(new UploadId(rs.getString("id")), new AccountId(rs.getString("account_id")),
                        rs.getString("bucket"), ZoneId.of(rs.getString("timezone")), instant(rs, "created_at"),
                        days(rs, "flows"), days(rs, "campaigns")))
                .findOne());
    }

    private static Optional<ReportWindow> days(ResultSet rs, String file) throws SQLException {
        LocalDate first = rs.getObject(file + "_first", LocalDate.class);
        LocalDate last = rs.getObject(file + "_last", LocalDate.class);
        return first == null || last == null ? Optional.empty() : Optional.of(new ReportWindow(first, last.plusDays(1)));
    }

    /**
     * The error of a snapshot left created by an update that ended without finishing it: {@link #list} and the
     * account's next update find it so by its run's missing {@link Making} mark.
     */
    public static final String ABANDONED = "abandoned: the update making it ended before it was ready (its process"
            + " was killed or lost its database session)";

    /**
     * The error of a snapshot left processing by a run that ended without finishing it (an update's, or a process
     * asked for by hand): found so, like {@link #ABANDONED}, by its run's missing mark ({@link #mark}).
     */
    public static final String ABANDONED_PROCESSING = "abandoned: the run processing it ended before it was ready"
            + " (its process was killed or lost its database session)";

    /**
     * A snapshot being made by a live update, and the update's liveness mark: a {@link SessionLock} on the snapshot's
     * id until {@link #close}. A killed process's session takes the mark with it, so a {@code created} or
     * {@code processing} snapshot without one is abandoned ({@link #abandonDead}).
     */
    public record Making(SessionLock mark, Snapshot snapshot) implements AutoCloseable {
        @Override
        public void close() {
            mark.close();
        }
    }

    /**
     * A new snapshot of {@code upload} in status created, marked live for the caller's run: the row and the mark are
     * committed together, so no reader sees the row without the mark.
     */
    public Making make(Upload upload, Optional<Long> basedOn, Optional<LocalDate> patchStart,
            Optional<LocalDate> patchEnd) {
        Handle h = jdbi.open();
        Map.Entry<Long, SessionLock> made;
        try {
            made = h.inTransaction(tx -> {
                long id = insert(tx, upload, basedOn, patchStart, patchEnd);
                return Map.entry(id, SessionLock.takeWith(tx, RUN, Long.toString(id)));
            });
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        try {
            return new Making(made.getValue(), find(made.getKey()).orElseThrow());
        } catch (RuntimeException e) {
            made.getValue().close(); // unlocked before its connection goes back to the pool
            throw e;
        }
    }

    /**
     * A new snapshot of {@code upload} in status created that no run marks live (tests process it by hand): until a
     * processor marks it, {@link #list} shows it abandoned. Updates {@link #make} theirs.
     */
    public Snapshot create(Upload upload, Optional<Long> basedOn, Optional<LocalDate> patchStart,
            Optional<LocalDate> patchEnd) {
        return find(jdbi.withHandle(h -> insert(h, upload, basedOn, patchStart, patchEnd))).orElseThrow();
    }

    private long insert(Handle h, Upload upload, Optional<Long> basedOn, Optional<LocalDate> patchStart,
            Optional<LocalDate> patchEnd) {
        Instant now = clock.instant();
        return h.createUpdate("insert into snapshots (account_id, upload_id, status, based_on,"
                        + " patch_start, patch_end, created_at, updated_at) values (:account, :upload, 'created', :base,"
                        + " :start, :end, :now, :now)")
                .bind("account", upload.accountId().value()).bind("upload", upload.id().value())
                .bind("base", basedOn.orElse(null)).bind("start", patchStart.orElse(null))
                .bind("end", patchEnd.orElse(null)).bind("now", ts(now))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /**
     * Marks failed the account's created ({@link #ABANDONED}) and processing ({@link #ABANDONED_PROCESSING})
     * snapshots whose run holds no mark: it ended without finishing them (kill -9, a lost session). Every run that
     * makes or processes a snapshot holds its mark meanwhile ({@link Making}, {@link #mark}).
     *
     * @return how many
     */
    public int abandonDead(AccountId account) {
        // (the probe takes a dead run's mark for this statement only: its own transaction ends with it; a row made
        // ready or failed meanwhile is skipped by the update's own status test, rechecked on the row's new version)
        return jdbi.withHandle(h -> h.createUpdate("with unfinished as materialized (select id from snapshots"
                        + " where account_id = :account and status in ('created', 'processing'))"
                        + " update snapshots set status = 'failed', updated_at = :now,"
                        + " error = case status when 'created' then :made else :processing end"
                        + " where status in ('created', 'processing') and id in (select id from unfinished"
                        + " where " + SessionLock.freeSql(RUN, "id::text") + ")")
                .bind("made", ABANDONED).bind("processing", ABANDONED_PROCESSING).bind("now", ts(clock.instant()))
                .bind("account", account.value()).execute());
    }

    /**
     * The liveness mark of a run processing the snapshot ({@link SnapshotProcessor}), like a making update's: taken
     * before the snapshot turns processing and closed after it is ready or failed. Waits while another run holds it
     * (an update still making the snapshot, another processor of it), so two runs never process one snapshot at once.
     * The processing transaction runs on the mark's connection: a run holds one connection, not two.
     */
    SessionLock mark(long id) {
        Handle h = jdbi.open();
        try {
            return SessionLock.takeWith(h, RUN, Long.toString(id));
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** The {@link SessionLock} kind of a making run's mark, keyed by the snapshot's id. */
    private static final String RUN = "ksync.snapshot.run";

    public Optional<Snapshot> find(long id) {
        return jdbi.withHandle(h -> h.createQuery(SNAPSHOT + " where id = :id").bind("id", id)
                .map(Snapshots::snapshot).findOne());
    }

    public Snapshot get(long id) {
        return find(id).orElseThrow(() -> KsyncException.notFound("snapshot", Long.toString(id)));
    }

    /** An account's snapshots, newest first; one whose making or processing run died shows failed ({@link #abandonDead}). */
    public List<Snapshot> list(AccountId account) {
        abandonDead(account);
        return jdbi.withHandle(h -> h.createQuery(SNAPSHOT + " where account_id = :account order by id desc")
                .bind("account", account.value()).map(Snapshots::snapshot).list());
    }

    public Optional<Snapshot> newestReady(AccountId account) {
        return jdbi.withHandle(h -> newestReady(h, account.value()));
    }

    static Optional<Snapshot> newestReady(Handle h, String account) {
        return h.createQuery(SNAPSHOT + " where account_id = :account and status = 'ready' order by id desc limit 1")
                .bind("account", account).map(Snapshots::snapshot).findOne();
    }

    public List<SeriesRow> series(long id) {
        return jdbi.withHandle(h -> series(h, id, Optional.empty()));
    }

    static List<SeriesRow> series(Handle h, long id, Optional<Source> source) {
        return h.createQuery(SERIES + (source.isPresent() ? " and source = :source" : "") + " order by source, day")
                .bind("id", id).bind("source", source.map(Source::wireName).orElse(null))
                .map(Snapshots::seriesRow).list();
    }

    public List<Totals> totals(long id) {
        return jdbi.withHandle(h -> h.createQuery("select source, delivered, unique_opens, unique_clicks, placed_orders, revenue,"
                            + " unsubscribes, complaints, bounces, new_subscribers, subscribers_total, open_rate,"
                            + " click_rate, placed_order_rate, revenue_per_recipient, unsub_rate, complaint_rate,"
                            + " bounce_rate, days from snapshot_totals where snapshot_id = :id order by source")
                    .bind("id", id).map(Snapshots::totalsRow).list());
    }

    void markProcessing(long id) {
        setStatus(id, Snapshot.Status.PROCESSING, null);
    }

    void markFailed(long id, String error) {
        setStatus(id, Snapshot.Status.FAILED, error);
    }

    /** Marks a snapshot failed unless it is already ready (a failed run must not leave it created or processing). */
    public void fail(long id, String error) {
        jdbi.useHandle(h -> h.createUpdate("update snapshots set status = 'failed', error = :error, updated_at = :now"
                        + " where id = :id and status <> 'ready'")
                .bind("error", error).bind("now", ts(clock.instant())).bind("id", id).execute());
    }

    private void setStatus(long id, Snapshot.Status status, String error) {
        jdbi.useHandle(h -> h.createUpdate("update snapshots set status = :status, error = :error, updated_at = :now"
                        + " where id = :id")
                .bind("status", status.wireName()).bind("error", error).bind("now", ts(clock.instant()))
                .bind("id", id).execute());
    }

    /** Inside the processing transaction: replaces the series rows of the days in the window (all when empty). */
    static void replaceSeries(Handle h, long id, Optional<LocalDate> start, Optional<LocalDate> end,
            List<SeriesRow> rows) {
        if (start.isPresent()) {
            h.createUpdate("delete from snapshot_series where snapshot_id = :id and day between :start and :end")
                    .bind("id", id).bind("start", start.get()).bind("end", end.orElseThrow()).execute();
        } else {
            h.createUpdate("delete from snapshot_series where snapshot_id = :id").bind("id", id).execute();
        }
        var batch = h.prepareBatch("insert into snapshot_series (snapshot_id, day, source, delivered, unique_opens,"
                + " unique_clicks, placed_orders, revenue, unsubscribes, complaints, bounces, new_subscribers,"
                + " subscribers_total) values (:id, :day, :source, :delivered, :opens, :clicks, :orders, :revenue,"
                + " :unsubs, :complaints, :bounces, :newSubs, :total)");
        for (SeriesRow r : rows) {
            Counts c = r.counts();
            batch.bind("id", id).bind("day", r.day()).bind("source", r.source().wireName())
                    .bind("delivered", c.delivered()).bind("opens", c.uniqueOpens()).bind("clicks", c.uniqueClicks())
                    .bind("orders", c.placedOrders()).bind("revenue", c.revenue()).bind("unsubs", c.unsubscribes())
                    .bind("complaints", c.complaints()).bind("bounces", c.bounces())
                    .bind("newSubs", r.newSubscribers().orElse(null)).bind("total", r.subscribersTotal().orElse(null))
                    .add();
        }
        if (!rows.isEmpty()) {
            batch.execute();
        }
    }

    /** Inside the processing transaction: a patch snapshot starts from its base's series. */
    static void copySeries(Handle h, long from, long to) {
        h.createUpdate("delete from snapshot_series where snapshot_id = :to").bind("to", to).execute();
        h.createUpdate("insert into snapshot_series (snapshot_id, day, source, delivered, unique_opens, unique_clicks,"
                        + " placed_orders, revenue, unsubscribes, complaints, bounces, new_subscribers, subscribers_total)"
                        + " select :to, day, source, delivered, unique_opens, unique_clicks, placed_orders, revenue,"
                        + " unsubscribes, complaints, bounces, new_subscribers, subscribers_total from snapshot_series"
                        + " where snapshot_id = :from")
                .bind("from", from).bind("to", to).execute();
    }

    /**
     * Inside the processing transaction: the days the snapshot's series covers per source, its upload's days (the
     * ones known) and, for a patch, its base's.
     */
    static void cover(Handle h, long id, Optional<Long> base, Upload upload) {
        h.createUpdate("delete from snapshot_coverage where snapshot_id = :id").bind("id", id).execute();
        base.ifPresent(from -> h.createUpdate("insert into snapshot_coverage (snapshot_id, source, first_day, last_day)"
                        + " select :to, source, first_day, last_day from snapshot_coverage where snapshot_id = :from")
                .bind("from", from).bind("to", id).execute());
        for (Source s : List.of(Source.FLOWS, Source.CAMPAIGNS)) {
            (s == Source.FLOWS ? upload.flowsDays() : upload.campaignsDays()).ifPresent(w -> h.createUpdate(
                            "insert into snapshot_coverage (snapshot_id, source, first_day, last_day)"
                            + " values (:id, :source, :first, :last) on conflict (snapshot_id, source, first_day)"
                            + " do update set last_day = greatest(snapshot_coverage.last_day, excluded.last_day)")
                    .bind("id", id).bind("source", s.wireName()).bind("first", w.first()).bind("last", w.last())
                    .execute());
        }
        mergeCoverage(h, id);
    }

    private record CoveredDays(String source, LocalDate first, LocalDate last) {}

    /**
     * Joins the snapshot's overlapping or adjacent day ranges per source: each nightly patch copies its base's ranges
     * and adds its own, which would otherwise pile up a range or two a night.
     */
    private static void mergeCoverage(Handle h, long id) {
        List<CoveredDays> held = h.createQuery("select source, first_day, last_day from snapshot_coverage"
                        + " where snapshot_id = :id order by source, first_day, last_day")
                .bind("id", id).map((rs, ctx) -> new CoveredDays(rs.getString(1), rs.getObject(2, LocalDate.class),
                        rs.getObject(3, LocalDate.class))).list();
        List<CoveredDays> merged = new ArrayList<>();
        for (CoveredDays d : held) {
            CoveredDays last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && last.source().equals(d.source()) && !d.first().isAfter(last.last().plusDays(1))) {
                merged.set(merged.size() - 1, new CoveredDays(last.source(), last.first(),
                        d.last().isAfter(last.last()) ? d.last() : last.last()));
            } else {
                merged.add(d);
            }
        }
        if (merged.size() == held.size()) return;
        h.createUpdate("delete from snapshot_coverage where snapshot_id = :id").bind("id", id).execute();
        var insert = h.prepareBatch("insert into snapshot_coverage (snapshot_id, source, first_day, last_day)"
                + " values (:id, :source, :first, :last)");
        merged.forEach(d -> insert.bind("id", id).bind("source", d.source()).bind("first", d.first())
                .bind("last", d.last()).add());
        insert.execute();
    }

    /** Whether snapshot_tops holds the snapshot's sums (false for snapshots made ready before V8). */
    static boolean topsStored(Handle h, long id) {
        return h.createQuery("select tops_stored from snapshots where id = :id").bind("id", id).mapTo(Boolean.class)
                .findOne().orElse(false);
    }

    /** Inside a transaction: replaces the top sums of the days in the window (all when empty). */
    static void replaceTops(Handle h, long id, Optional<LocalDate> start, Optional<LocalDate> end, List<TopRow> rows) {
        if (start.isPresent()) {
            h.createUpdate("delete from snapshot_tops where snapshot_id = :id and day between :start and :end")
                    .bind("id", id).bind("start", start.get()).bind("end", end.orElseThrow()).execute();
        } else {
            h.createUpdate("delete from snapshot_tops where snapshot_id = :id").bind("id", id).execute();
        }
        var batch = h.prepareBatch("insert into snapshot_tops (snapshot_id, kind, day, item_id, name, delivered, opens,"
                + " clicks, orders, revenue) values (:id, :kind, :day, :item, :name, :delivered, :opens, :clicks,"
                + " :orders, :revenue)");
        for (TopRow r : rows) {
            batch.bind("id", id).bind("kind", r.kind()).bind("day", r.day()).bind("item", r.itemId())
                    .bind("name", r.name()).bind("delivered", r.delivered()).bind("opens", r.opens())
                    .bind("clicks", r.clicks()).bind("orders", r.orders()).bind("revenue", r.revenue()).add();
        }
        if (!rows.isEmpty()) {
            batch.execute();
        }
    }

    /** Inside the processing transaction: a patch snapshot starts from its base's top sums, as from its series. */
    static void copyTops(Handle h, long from, long to) {
        h.createUpdate("delete from snapshot_tops where snapshot_id = :to").bind("to", to).execute();
        h.createUpdate("insert into snapshot_tops (snapshot_id, kind, day, item_id, name, delivered, opens, clicks,"
                        + " orders, revenue) select :to, kind, day, item_id, name, delivered, opens, clicks, orders,"
                        + " revenue from snapshot_tops where snapshot_id = :from")
                .bind("from", from).bind("to", to).execute();
    }

    /** Inside the transaction that computed a ready snapshot's top sums after the fact. */
    static void markTopsStored(Handle h, long id) {
        h.createUpdate("update snapshots set tops_stored = true where id = :id").bind("id", id).execute();
    }

    /** Inside the processing transaction: totals from the series as they now stand, then status ready. */
    static void finish(Handle h, long id, Instant now) {
        h.createUpdate("delete from snapshot_totals where snapshot_id = :id").bind("id", id).execute();
        for (Source s : Source.values()) {
            Totals t = Totals.of(s, series(h, id, Optional.of(s)));
            Counts c = t.counts();
            h.createUpdate("insert into snapshot_totals (snapshot_id, source, days, delivered, unique_opens,"
                            + " unique_clicks, placed_orders, revenue, unsubscribes, complaints, bounces, new_subscribers,"
                            + " subscribers_total, open_rate, click_rate, placed_order_rate, revenue_per_recipient,"
                            + " unsub_rate, complaint_rate, bounce_rate) values (:id, :source, :days, :delivered, :opens,"
                            + " :clicks, :orders, :revenue, :unsubs, :complaints, :bounces, :newSubs, :total, :openRate,"
                            + " :clickRate, :orderRate, :rpr, :unsubRate, :complaintRate, :bounceRate)")
                    .bind("id", id).bind("source", s.wireName()).bind("days", t.days())
                    .bind("delivered", c.delivered()).bind("opens", c.uniqueOpens()).bind("clicks", c.uniqueClicks())
                    .bind("orders", c.placedOrders()).bind("revenue", c.revenue()).bind("unsubs", c.unsubscribes())
                    .bind("complaints", c.complaints()).bind("bounces", c.bounces())
                    .bind("newSubs", t.newSubscribers().orElse(null)).bind("total", t.subscribersTotal().orElse(null))
                    .bind("openRate", t.openRate().orElse(null)).bind("clickRate", t.clickRate().orElse(null))
                    .bind("orderRate", t.placedOrderRate().orElse(null))
                    .bind("rpr", t.revenuePerRecipient().orElse(null)).bind("unsubRate", t.unsubRate().orElse(null))
                    .bind("complaintRate", t.complaintRate().orElse(null))
                    .bind("bounceRate", t.bounceRate().orElse(null)).execute();
        }
        h.createUpdate("update snapshots set status = 'ready', error = null, updated_at = :now, tops_stored = true,"
                        + " last_email_date ="
                        + " (select max(day) from snapshot_series where snapshot_id = :id and source = 'all'"
                        + " and delivered > 0) where id = :id")
                .bind("id", id).bind("now", ts(now)).execute();
    }

    /** Takes the row lock that serialises processors of one snapshot; empty when there is no such snapshot. */
    static Optional<Snapshot> lock(Handle h, long id) {
        return h.createQuery(SNAPSHOT + " where id = :id for update").bind("id", id).map(Snapshots::snapshot).findOne();
    }

    private static Snapshot snapshot(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Snapshot(rs.getLong("id"), new AccountId(rs.getString("account_id")),
                new UploadId(rs.getString("upload_id")), Snapshot.Status.valueOf(rs.getString("status").toUpperCase()),
                Optional.ofNullable(rs.getString("error")), Optional.ofNullable(rs.getObject("last_email_date", LocalDate.class)),
                Optional.ofNullable(rs.getObject("based_on", Long.class)),
                Optional.ofNullable(rs.getObject("patch_start", LocalDate.class)),
                Optional.ofNullable(rs.getObject("patch_end", LocalDate.class)), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static SeriesRow seriesRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SeriesRow(rs.getObject("day", LocalDate.class), Source.ofWire(rs.getString("source")), counts(rs),
                Optional.ofNullable(rs.getObject("new_subscribers", Long.class)),
                Optional.ofNullable(rs.getObject("subscribers_total", Long.class)));
    }

    private static Totals totalsRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Totals(Source.ofWire(rs.getString("source")), rs.getInt("days"), counts(rs),
                Optional.ofNullable(rs.getObject("new_subscribers", Long.class)),
                Optional.ofNullable(rs.getObject("subscribers_total", Long.class)), dec(rs, "open_rate"),
                dec(rs, "click_rate"), dec(rs, "placed_order_rate"), dec(rs, "revenue_per_recipient"),
                dec(rs, "unsub_rate"), dec(rs, "complaint_rate"), dec(rs, "bounce_rate"));
    }

    private static Counts counts(ResultSet rs) throws SQLException {
        return new Counts(rs.getLong("delivered"), rs.getLong("unique_opens"), rs.getLong("unique_clicks"),
                rs.getLong("placed_orders"), rs.getBigDecimal("revenue"), rs.getLong("unsubscribes"),
                rs.getLong("complaints"), rs.getLong("bounces"));
    }

    private static Optional<BigDecimal> dec(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getBigDecimal(column));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static OffsetDateTime ts(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}

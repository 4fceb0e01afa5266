package dev.ksync.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.db.SessionLock;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The backfill tables. Every answer the API gives is built here in SQL; the job's writes are conditional on the
 * status row still naming the run ({@code started_at}) and the day ({@code next_day}), so a cancelled run, or one a
 * dead node left and another took over, commits nothing twice.
 */
public final class BackfillStore {
    /** Reads the JSON PostgreSQL builds keeping its numbers as written: money with its 2 decimals, never 1.08E+3. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private final Jdbi jdbi;

    public BackfillStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The status row as the job reads it. {@code refreshFrom}: the first stored day whose statistics the nightly
     * continuation still replaces (days before {@code nextDay}), null when none. {@code outageRetries}: the runs
     * again after Klaviyo was unavailable since the last committed day.
     */
    record Row(AccountId account, String status, BackfillParams params, String timezone, LocalDate firstDay,
               LocalDate lastDay, LocalDate nextDay, Instant startedAt, boolean catalogDone, LocalDate refreshFrom,
               int outageRetries) {}

    Optional<Row> load(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("select * from backfill_status where account_id = :a")
                .bind("a", account.value())
                .map((rs, ctx) -> new Row(account, rs.getString("status"),
                        new BackfillParams(rs.getInt("years"), rs.getBoolean("include_orders"), rs.getBoolean("test_mode")),
                        rs.getString("timezone"), rs.getObject("first_day", LocalDate.class),
                        rs.getObject("last_day", LocalDate.class), rs.getObject("next_day", LocalDate.class),
                        rs.getObject("started_at", OffsetDateTime.class).toInstant(), rs.getBoolean("catalog_done"),
                        rs.getObject("refresh_from", LocalDate.class), rs.getInt("outage_retries")))
                .findOne());
    }

    /** The lock class of the backfill workers, keyed by account id. */
    private static final String WORKER_LOCK = "ksync.backfill.worker";

    /**
     * The account's worker lock, for whichever process works its backfill (a {@code ksync serve} node's scheduler, a
     * {@code ksync backfill start}), held until closed; empty when another process holds it.
     */
    public Optional<SessionLock> lockWorker(AccountId account) {
        return SessionLock.tryTake(jdbi, WORKER_LOCK, account.value());
    }

    /**
     * A new run over [first, last] (false when one runs): a fresh status; the rows already stored stay, each day the
     * run works replacing that day's (days outside its range keep theirs; {@link #clear} deletes them). 404 when the
     * account is no longer registered ({@link #holdAccount}).
     */
    boolean startOver(AccountId account, BackfillParams p, String timezone, LocalDate first, LocalDate last,
                      Instant now) {
        return jdbi.inTransaction(h -> {
            holdAccount(h, account);
            String was = h.createQuery("select status from backfill_status where account_id = :a for update")
                    .bind("a", account.value()).mapTo(String.class).findOne().orElse(null);
            if (BackfillStatus.IN_PROGRESS.equals(was)) return false;
            h.createUpdate("delete from backfill_status where account_id = :a").bind("a", account.value()).execute();
            h.createUpdate("""
                    insert into backfill_status (account_id, status, years, include_orders, test_mode, timezone,
                        first_day, last_day, next_day, days_total, started_at, updated_at)
                    values (:a, 'in_progress', :y, :o, :t, :z, :f, :l, :f, :n, :now, :now)""")
                    .bind("a", account.value()).bind("y", p.years()).bind("o", p.includeOrders())
                    .bind("t", p.testMode()).bind("z", timezone).bind("f", first).bind("l", last)
                    .bind("n", (int) (last.toEpochDay() - first.toEpochDay() + 1)).bind("now", ts(now)).execute();
            return true;
        });
    }

    /**
     * A retry: the same run goes on at next_day (errors kept, waiting cleared). False when it is running; 404 when the
     * account is no longer registered ({@link #holdAccount}).
     */
    boolean resume(AccountId account, Instant now) {
        return jdbi.inTransaction(h -> {
            holdAccount(h, account);
            return h.createUpdate("""
                    update backfill_status set status = 'in_progress', updated_at = :now, finished_at = null,
                        waiting_until = null, waiting_reason = null, outage_retries = 0
                    where account_id = :a and status <> 'in_progress'""")
                    .bind("a", account.value()).bind("now", ts(now)).execute() == 1;
        });
    }

    /**
     * Holds the account's row until {@code h}'s transaction ends, so that a removal (which takes it for update) waits
     * for the run being stored and then finds it running; 404 {@link AccountService#notRegistered} when it was
     * removed since the caller found it, not the foreign key's failure.
     */
    private static void holdAccount(Handle h, AccountId account) {
        if (h.createQuery("select 1 from accounts where id = :a for key share").bind("a", account.value())
                .mapTo(Integer.class).findOne().isEmpty()) {
            throw AccountService.notRegistered(account);
        }
    }

    /**
     * Extends a completed backfill to {@code last} (the nightly continuation), the catalog fetched again for the
     * campaigns sent since, and marks its stored days from {@code refreshFirst} on (none when null) for their
     * statistics to be fetched again. False when there is nothing to do.
     */
    boolean extend(AccountId account, LocalDate last, LocalDate refreshFirst, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                update backfill_status set status = 'in_progress', next_day = last_day + 1, last_day = :l,
                    days_total = days_total + (:l - last_day), updated_at = :now, finished_at = null,
                    started_at = :now, validation = null, catalog_done = false, outage_retries = 0,
                    refresh_from = case when cast(:r as date) is not null
                        and greatest(first_day, cast(:r as date)) <= last_day
                        then greatest(first_day, cast(:r as date)) end -- greatest() skips a null
                where account_id = :a and status = 'completed' and last_day < :l""")
                .bind("a", account.value()).bind("l", last).bind("r", refreshFirst).bind("now", ts(now))
                .execute()) == 1;
    }

    /** A campaign as Klaviyo sent it (with its campaign-messages relationship) and the channel it was listed under. */
    record CampaignObject(String channel, JsonNode raw) {}

    /**
     * Campaigns and flows (full objects, archived ones with their flag), once per backfill. False when the run is no
     * longer current.
     */
    boolean saveCatalog(Row run, List<CampaignObject> campaigns, List<JsonNode> flows, Instant now) {
        return jdbi.inTransaction(h -> {
            if (!current(h, run)) {
                return false;
            }
            PreparedBatch c = h.prepareBatch("""
                    insert into backfill_campaigns (account_id, campaign_id, name, channel, status, archived,
                        send_time, created_at, updated_at, data)
                    values (:a, :id, :name, :channel, :status, :archived, cast(:send as timestamptz),
                        cast(:created as timestamptz), cast(:updated as timestamptz), cast(:data as jsonb))
                    on conflict (account_id, campaign_id) do update set name = excluded.name,
                        channel = excluded.channel, status = excluded.status, archived = excluded.archived,
                        send_time = excluded.send_time, created_at = excluded.created_at,
                        updated_at = excluded.updated_at, data = excluded.data""");
            for (CampaignObject co : campaigns) {
                JsonNode r = co.raw();
                JsonNode a = r.path("attributes");
                c.bind("a", run.account().value()).bind("id", r.path("id").asText()).bind("name", text(a, "name"))
                        .bind("channel", co.channel()).bind("status", text(a, "status"))
                        .bind("archived", a.path("archived").asBoolean(false))
                        .bind("send", text(a, "send_time")).bind("created", text(a, "created_at"))
                        .bind("updated", text(a, "updated_at")).bind("data", r.toString()).add();
            }
            if (!campaigns.isEmpty()) c.execute();
            PreparedBatch f = h.prepareBatch("""
                    insert into backfill_flows (account_id, flow_id, name, status, archived, trigger_type, created_at,
                        updated_at, data)
                    values (:a, :id, :name, :status, :archived, :trigger, cast(:created as timestamptz),
                        cast(:updated as timestamptz), cast(:data as jsonb))
                    on conflict (account_id, flow_id) do update set name = excluded.name, status = excluded.status,
                        archived = excluded.archived, trigger_type = excluded.trigger_type,
                        created_at = excluded.created_at, updated_at = excluded.updated_at, data = excluded.data""");
            for (JsonNode r : flows) {
                JsonNode a = r.path("attributes");
                f.bind("a", run.account().value()).bind("id", r.path("id").asText()).bind("name", text(a, "name"))
                        .bind("status", text(a, "status")).bind("archived", a.path("archived").asBoolean(false))
                        .bind("trigger", text(a, "trigger_type"))
                        .bind("created", text(a, "created")).bind("updated", text(a, "updated"))
                        .bind("data", r.toString()).add();
            }
            if (!flows.isEmpty()) f.execute();
            h.createUpdate("""
                    update backfill_status set catalog_done = true, updated_at = :now,
                        campaigns = (select count(*) from backfill_campaigns where account_id = :a),
                        flows = (select count(*) from backfill_flows where account_id = :a)
                    where account_id = :a""").bind("a", run.account().value()).bind("now", ts(now)).execute();
            return true;
        });
    }

    /** Campaign message id → campaign id, from the stored campaigns' {@code campaign-messages} relationships. */
    Map<String, String> campaignOfMessage(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select m->>'id' as message, campaign_id from backfill_campaigns,
                            jsonb_array_elements(coalesce(data->'relationships'->'campaign-messages'->'data', '[]')) m
                        where account_id = :a""").bind("a", account.value())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x));
    }

    /** The stored campaigns' send days in the zone, by campaign id. */
    Map<String, LocalDate> campaignSendDays(AccountId account, String zone) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select campaign_id, (send_time at time zone :z)::date from backfill_campaigns
                        where account_id = :a and send_time is not null""").bind("a", account.value()).bind("z", zone)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getObject(2, LocalDate.class))).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * One day of the run in one transaction: opened when the day's rows first need writing (a day with more orders
     * than fit the buffer writes in parts), committed by {@link DayTx#finish} with the progress.
     */
    final class DayTx implements AutoCloseable {
        private final Row run;
        private final LocalDate day;
        private Handle handle;
        private boolean closed;
        private long orders;
        private BigDecimal revenue = BigDecimal.ZERO;
        private String currency;

        DayTx(Row run, LocalDate day) {
            this.run = run;
            this.day = day;
        }

        /** False when the run is no longer current (cancelled, restarted, or another node has this day). */
        private boolean open() {
            if (closed) throw new IllegalStateException("the day's transaction was closed");
            if (handle == null) {
                handle = jdbi.open();
                handle.begin();
                if (!current(handle, run, "next_day", day)) {
                    return false;
                }
                // the day's rows are replaced: an earlier run's (a part-written day of a killed run cannot exist, it
                // rolled back; rows a zombie left cannot either); a run without orders keeps the day's stored orders
                if (run.params().includeOrders()) deleteDay(handle, run, day, "backfill_orders");
                deleteDay(handle, run, day, "backfill_flow_daily", "backfill_campaign_daily");
            }
            return true;
        }

        boolean write(List<OrderRow> rows) {
            if (rows.isEmpty()) return true;
            if (!open()) return false;
            PreparedBatch b = handle.prepareBatch("""
                    insert into backfill_orders (account_id, event_id, order_id, time, day, value, currency, items,
                        item_count, profile_id, email, utm_source, utm_medium, utm_campaign, discount_codes,
                        total_discounts, shipping, shipping_total, categories, brands, attributed_message,
                        attributed_channel, attributed_flow, attributed_campaign)
                    values (:a, :id, :order, :time, :day, :value, :currency, cast(:items as jsonb), :count, :profile,
                        :email, :us, :um, :uc, array(select jsonb_array_elements_text(cast(:codes as jsonb))),
                        :discounts, cast(:shipping as jsonb), :shipTotal,
                        array(select jsonb_array_elements_text(cast(:cats as jsonb))),
                        array(select jsonb_array_elements_text(cast(:brands as jsonb))), :am, :ach, :af, :ac)
                    on conflict (account_id, event_id) do nothing""");
            for (OrderRow o : rows) {
                b.bind("a", run.account().value()).bind("id", o.eventId()).bind("order", o.orderId())
                        .bind("time", ts(o.time())).bind("day", o.day()).bind("value", o.value())
                        .bind("currency", o.currency()).bind("items", o.items().toString()).bind("count", o.itemCount())
                        .bind("profile", o.profileId()).bind("email", o.email()).bind("us", o.utmSource())
                        .bind("um", o.utmMedium()).bind("uc", o.utmCampaign()).bind("codes", json(o.discountCodes()))
                        .bind("discounts", o.totalDiscounts())
                        .bind("shipping", o.shipping() == null ? null : o.shipping().toString())
                        .bind("shipTotal", o.shippingTotal()).bind("cats", json(o.categories()))
                        .bind("brands", json(o.brands())).bind("am", o.attributedMessage())
                        .bind("ach", o.attributedChannel()).bind("af", o.attributedFlow())
                        .bind("ac", o.attributedCampaign()).add();
                orders++;
                if (o.value() != null) revenue = revenue.add(o.value());
                if (currency == null) currency = o.currency();
            }
            b.execute();
            return true;
        }

        /** Writes the day's statistics and the progress, and commits. False when the run is no longer current. */
        boolean finish(List<DailyStat> flowStats, List<DailyStat> campaignStats, Instant now) {
            if (!open()) return false;
            insertStats(handle, run, "backfill_flow_daily", "flow_id", flowStats);
            insertStats(handle, run, "backfill_campaign_daily", "campaign_id", campaignStats);
            handle.createUpdate("""
                    update backfill_status set next_day = case when :d < last_day then :d + 1 end,
                        days_done = days_done + 1, orders = orders + :n, revenue = revenue + :r,
                        currency = coalesce(currency, :c), updated_at = :now, waiting_until = null,
                        waiting_reason = null, outage_retries = 0
                    where account_id = :a""").bind("a", run.account().value()).bind("d", day).bind("n", orders)
                    .bind("r", revenue).bind("c", currency).bind("now", ts(now)).execute();
            handle.commit();
            return true;
        }

        /** Rolls back what is not committed and gives the connection back; closing twice does nothing more. */
        @Override
        public void close() {
            closed = true;
            if (handle != null) {
                Handle h = handle;
                handle = null; // a second close must not ask a returned connection for its transaction state
                if (h.isInTransaction()) h.rollback();
                h.close();
            }
        }
    }

    DayTx day(Row run, LocalDate day) {
        return new DayTx(run, day);
    }

    /**
     * Replaces a stored day's flow and campaign statistics (its orders stay) and moves the refresh past it, in one
     * transaction: a crash leaves the day's old statistics or its new ones. False when the run is no longer current
     * or another node refreshed the day.
     */
    boolean refreshDay(Row run, LocalDate day, List<DailyStat> flowStats, List<DailyStat> campaignStats, Instant now) {
        return jdbi.inTransaction(h -> {
            if (!current(h, run, "refresh_from", day)) return false;
            deleteDay(h, run, day, "backfill_flow_daily", "backfill_campaign_daily");
            insertStats(h, run, "backfill_flow_daily", "flow_id", flowStats);
            insertStats(h, run, "backfill_campaign_daily", "campaign_id", campaignStats);
            h.createUpdate("""
                    update backfill_status set refresh_from = case when :d + 1 < next_day then :d + 1 end,
                        updated_at = :now, waiting_until = null, waiting_reason = null, outage_retries = 0
                    where account_id = :a""").bind("a", run.account().value()).bind("d", day)
                    .bind("now", ts(now)).execute();
            return true;
        });
    }

    /** Inserts a day's statistics rows of a message table ({@code parent}: flow_id or campaign_id). */
    private static void insertStats(Handle h, Row run, String table, String parent, List<DailyStat> rows) {
        if (rows.isEmpty()) return;
        PreparedBatch b = h.prepareBatch("insert into " + table + " (account_id, day, " + parent + """
                , message_id, channel, recipients, delivered, opens_unique, clicks_unique, conversions, unsubscribes,
                    spam_complaints, bounced, conversion_value)
                values (:a, :d, :p, :m, :ch, :rec, :del, :op, :cl, :conv, :un, :sp, :bo, :val)
                on conflict do nothing""");
        for (DailyStat s : rows) {
            b.bind("a", run.account().value()).bind("d", s.day()).bind("p", s.parentId()).bind("m", s.messageId())
                    .bind("ch", s.channel()).bind("rec", s.recipients()).bind("del", s.delivered())
                    .bind("op", s.opensUnique()).bind("cl", s.clicksUnique()).bind("conv", s.conversions())
                    .bind("un", s.unsubscribes()).bind("sp", s.spamComplaints()).bind("bo", s.bounced())
                    .bind("val", s.conversionValue()).add();
        }
        b.execute();
    }

    /** Locks the status row; true when it still names this run. */
    private static boolean current(Handle h, Row run) {
        return current(h, run, "next_day", null);
    }

    /**
     * Locks the status row; true when it still names this run (and, with a day, that day in {@code dayColumn}:
     * {@code next_day} for the day being worked, {@code refresh_from} for the day being refreshed).
     */
    private static boolean current(Handle h, Row run, String dayColumn, LocalDate day) {
        return h.createQuery("select 1 from backfill_status where account_id = :a and status = 'in_progress'"
                        + " and started_at = :s and (cast(:d as date) is null or " + dayColumn + " = :d) for update")
                .bind("a", run.account().value()).bind("s", ts(run.startedAt())).bind("d", day)
                .mapTo(Integer.class).findOne().isPresent();
    }

    /** Deletes a day's rows of this run's account from {@code tables}. */
    private static void deleteDay(Handle h, Row run, LocalDate day, String... tables) {
        for (String t : tables) {
            h.createUpdate("delete from " + t + " where account_id = :a and day = :d")
                    .bind("a", run.account().value()).bind("d", day).execute();
        }
    }

    /** Per-day order count and revenue of the stored orders over [first, last]. */
    Map<LocalDate, long[]> dailyOrders(AccountId account, LocalDate first, LocalDate last) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select day, count(*), coalesce(sum(value), 0) * 100 from backfill_orders
                        where account_id = :a and day between :f and :l group by day""")
                .bind("a", account.value()).bind("f", first).bind("l", last)
                .map((rs, ctx) -> Map.entry(rs.getObject(1, LocalDate.class),
                        new long[] {rs.getLong(2), rs.getBigDecimal(3).longValueExact()})).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The run's end: completed with its validation. False when the run is no longer current. */
    boolean complete(Row run, JsonNode validation, Instant now) {
        return jdbi.inTransaction(h -> {
            if (!current(h, run)) return false;
            h.createUpdate("""
                    update backfill_status set status = 'completed', next_day = null, refresh_from = null,
                        validation = cast(:v as jsonb),
                        updated_at = :now, finished_at = :now, waiting_until = null, waiting_reason = null
                    where account_id = :a""").bind("a", run.account().value())
                    .bind("v", validation == null ? null : validation.toString()).bind("now", ts(now)).execute();
            return true;
        });
    }

    /** Stores a validation of a completed backfill (e.g. a re-validation). */
    void saveValidation(AccountId account, JsonNode validation) {
        jdbi.useHandle(h -> h.createUpdate("update backfill_status set validation = cast(:v as jsonb) where account_id = :a")
                .bind("a", account.value()).bind("v", validation.toString()).execute());
    }

    /** The run failed at {@code day}: the error is appended and attempts counted. */
    boolean fail(Row run, LocalDate day, String message, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                update backfill_status set status = 'failed', attempts = attempts + 1, updated_at = :now,
                    finished_at = :now, waiting_until = null, waiting_reason = null,
                    errors = errors || """ + errorEntry("cast(:d as text)") + """
                where account_id = :a and status = 'in_progress' and started_at = :s""")
                .bind("a", run.account().value()).bind("s", ts(run.startedAt())).bind("now", ts(now))
                .bind("at", now.toString()).bind("d", day == null ? null : day.toString()).bind("m", message)
                .execute()) == 1;
    }

    /**
     * The run stopped at {@code day} because Klaviyo was unavailable and runs again at {@code until}: the error is
     * appended, the attempt and the retry counted, and the status says it waits. False when the run is not current.
     */
    boolean retryLater(Row run, LocalDate day, String message, String reason, Instant until, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                update backfill_status set attempts = attempts + 1, outage_retries = outage_retries + 1,
                    updated_at = :now, waiting_reason = :r, waiting_until = :u,
                    errors = errors || """ + errorEntry("cast(:d as text)") + """
                where account_id = :a and status = 'in_progress' and started_at = :s""")
                .bind("a", run.account().value()).bind("s", ts(run.startedAt())).bind("now", ts(now))
                .bind("r", reason).bind("u", ts(until))
                .bind("at", now.toString()).bind("d", day == null ? null : day.toString()).bind("m", message)
                .execute()) == 1;
    }

    /**
     * The node running the account's backfill stopped beating (killed, crashed) and the execution is revived: the
     * attempt it was is counted and the error appended at the day it resumes. False when it was not running.
     */
    boolean revived(AccountId account, String message, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                update backfill_status set attempts = attempts + 1, updated_at = :now,
                    errors = errors || """ + errorEntry("cast(next_day as text)") + """
                where account_id = :a and status = 'in_progress'""")
                .bind("a", account.value()).bind("now", ts(now)).bind("at", now.toString()).bind("m", message)
                .execute()) == 1;
    }

    /** An entry for {@code errors}: the time {@code :at}, the day ({@code dayText}, SQL) and the message {@code :m}. */
    private static String errorEntry(String dayText) {
        return "jsonb_build_array(jsonb_build_object('at', :at, 'day', " + dayText + ", 'message', cast(:m as text)))";
    }

    void waiting(Row run, String reason, Instant until, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                update backfill_status set waiting_reason = :r, waiting_until = :u, updated_at = :now
                where account_id = :a and status = 'in_progress' and started_at = :s""")
                .bind("a", run.account().value()).bind("s", ts(run.startedAt())).bind("r", reason)
                .bind("u", ts(until)).bind("now", ts(now)).execute());
    }

    /** The run's wait is over (it runs again): {@code waiting} is cleared; the retries it counts are kept. */
    void waitOver(Row run) {
        jdbi.useHandle(h -> h.createUpdate("""
                update backfill_status set waiting_reason = null, waiting_until = null
                where account_id = :a and status = 'in_progress' and started_at = :s and waiting_reason is not null""")
                .bind("a", run.account().value()).bind("s", ts(run.startedAt())).execute());
    }

    /** False when the backfill was not running. */
    boolean cancel(AccountId account, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                update backfill_status set status = 'cancelled', updated_at = :now, finished_at = :now,
                    waiting_until = null, waiting_reason = null
                where account_id = :a and status = 'in_progress'""")
                .bind("a", account.value()).bind("now", ts(now)).execute()) == 1;
    }

    /** Deletes the status and the rows; false when it is running (nothing deleted). */
    boolean clear(AccountId account) {
        return jdbi.inTransaction(h -> {
            String status = h.createQuery("select status from backfill_status where account_id = :a for update")
                    .bind("a", account.value()).mapTo(String.class).findOne().orElse(null);
            if (BackfillStatus.IN_PROGRESS.equals(status)) return false;
            deleteRows(h, account);
            h.createUpdate("delete from backfill_status where account_id = :a").bind("a", account.value()).execute();
            return true;
        });
    }

    private static void deleteRows(Handle h, AccountId account) {
        for (String t : List.of("backfill_orders", "backfill_flow_daily", "backfill_campaign_daily",
                "backfill_campaigns", "backfill_flows")) {
            h.createUpdate("delete from " + t + " where account_id = :a").bind("a", account.value()).execute();
        }
    }

    // ---- answers, built in SQL (json, not jsonb, so keys keep the order written here) ----

    private static final String STATUS_OBJECT = """
            json_build_object(
                'client_id', s.account_id, 'name', acc.name, 'status', s.status, 'years', s.years,
                'include_orders', s.include_orders, 'test_mode', s.test_mode, 'timezone', s.timezone,
                'start_date', s.first_day, 'end_date', s.last_day, 'days_total', s.days_total,
                'days_completed', s.days_done,
                'current_date', case when s.status = 'in_progress' then s.next_day end,
                'refresh_from', s.refresh_from,
                'progress', round(100.0 * s.days_done / greatest(s.days_total, 1), 1),
                'counts', json_build_object('orders', s.orders, 'campaigns', s.campaigns, 'flows', s.flows,
                    'campaign_stats', (select count(*) from backfill_campaign_daily c where c.account_id = s.account_id),
                    'flow_stats', (select count(*) from backfill_flow_daily f where f.account_id = s.account_id)),
                'revenue', s.revenue, 'currency', s.currency,
                'errors', (select coalesce(json_agg(json_build_object('at', e->'at', 'date', e->'day',
                    'message', e->'message') order by n), '[]'::json)
                    from jsonb_array_elements(s.errors) with ordinality as x(e, n)),
                'attempts', s.attempts,
                'waiting', case when s.waiting_reason is not null then json_build_object('reason', s.waiting_reason,
                    'until', to_char(s.waiting_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) end,
                'validation', s.validation,
                'started_at', to_char(s.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'updated_at', to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'completed_at', to_char(s.finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'eta_seconds', case when s.status = 'in_progress' and s.days_done > 0 and s.updated_at > s.started_at
                    then round(extract(epoch from s.updated_at - s.started_at) / s.days_done
                        * (s.days_total - s.days_done)) end)""";

    public Optional<BackfillStatus> status(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("select " + STATUS_OBJECT + "::text from backfill_status s"
                        + " join accounts acc on acc.id = s.account_id where s.account_id = :a")
                .bind("a", account.value()).mapTo(String.class).findOne()).map(BackfillStore::status);
    }

    /** Every registered account, sorted by id: its status object, or not_started. */
    public List<JsonNode> statuses() {
        return jdbi.withHandle(h -> h.createQuery("select (case when s.account_id is null then json_build_object('client_id',"
                        + " acc.id, 'name', acc.name, 'status', 'not_started') else " + STATUS_OBJECT + " end)::text"
                        + " from accounts acc left join backfill_status s on s.account_id = acc.id order by acc.id")
                .mapTo(String.class).list()).stream().map(BackfillStore::parse).toList();
    }

    public JsonNode summary(AccountId account) {
        return parse(jdbi.withHandle(h -> h.createQuery("""
                select json_build_object('client_id', s.account_id,
                    'currency', coalesce(s.currency, (select min(currency) from backfill_orders where account_id = :a)),
                    'orders', coalesce(o.orders, 0), 'revenue', coalesce(o.revenue, 0),
                    'average_order_value', case when o.orders > 0 then round(o.revenue / o.orders, 2) end,
                    'campaigns', s.campaigns, 'flows', s.flows,
                    -- the days stored, which an earlier run over other days may widen past this run's
                    'first_date', least(s.first_day, (select min(day) from backfill_orders where account_id = :a),
                        (select min(day) from backfill_flow_daily where account_id = :a),
                        (select min(day) from backfill_campaign_daily where account_id = :a)),
                    'last_date', greatest(s.last_day, (select max(day) from backfill_orders where account_id = :a),
                        (select max(day) from backfill_flow_daily where account_id = :a),
                        (select max(day) from backfill_campaign_daily where account_id = :a)),
                    'days', coalesce((select json_agg(json_build_object('date', day, 'orders', n, 'revenue', r)
                        order by day) from (select day, count(*) n, coalesce(sum(value), 0) r from backfill_orders
                        where account_id = s.account_id group by day) d), '[]'::json))::text
                from backfill_status s
                left join (select count(*) orders, coalesce(sum(value), 0) revenue from backfill_orders
                    where account_id = :a) o on true
                where s.account_id = :a""").bind("a", account.value()).mapTo(String.class).findOne()
                .orElseThrow(() -> notStarted(account))));
    }

    /**
     * The day's orders, each attribution with its {@code type} (flow or campaign, null when neither is known) and the
     * stored catalog's {@code name} and {@code archived} for that id, joined here (null when the catalog has no row
     * for it).
     */
    public JsonNode orders(AccountId account, LocalDate day, int limit) {
        return parse(jdbi.withHandle(h -> h.createQuery("""
                select jsonb_build_object('client_id', cast(:a as text), 'date', cast(:d as date),
                    'count', (select count(*) from backfill_orders where account_id = :a and day = :d),
                    'orders', coalesce(jsonb_agg(jsonb_build_object(
                        'event_id', event_id, 'order_id', order_id,
                        'time', to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'date', day,
                        'value', value, 'currency', currency, 'item_count', item_count, 'items', items,
                        'customer', jsonb_build_object('profile_id', profile_id, 'email', email),
                        'utm', jsonb_build_object('source', utm_source, 'medium', utm_medium, 'campaign', utm_campaign),
                        'discount_codes', to_jsonb(discount_codes), 'total_discounts', total_discounts,
                        'shipping_total', shipping_total, 'categories', to_jsonb(categories),
                        'brands', to_jsonb(brands),
                        'attribution', jsonb_build_object('message', attributed_message, 'channel', attributed_channel,
                            'flow', attributed_flow, 'campaign', attributed_campaign,
                            'type', attributed_type, 'name', attributed_name, 'archived', attributed_archived))
                            order by time, event_id),
                        '[]'::jsonb))::text
                from (select o.*,
                        case when o.attributed_flow is not null then 'flow'
                            when o.attributed_campaign is not null then 'campaign' end as attributed_type,
                        -- the stored flow's or campaign's name; null when the catalog has no row for the id
                        case when o.attributed_flow is not null then nullif(f.name, '')
                            else nullif(c.name, '') end as attributed_name,
                        case when o.attributed_flow is not null then f.archived else c.archived end as attributed_archived
                    from backfill_orders o
                    left join backfill_flows f on f.account_id = o.account_id and f.flow_id = o.attributed_flow
                    left join backfill_campaigns c on c.account_id = o.account_id
                        and c.campaign_id = o.attributed_campaign
                    where o.account_id = :a and o.day = :d order by o.time, o.event_id limit :limit) o""")
                .bind("a", account.value()).bind("d", day).bind("limit", limit)
                .mapTo(String.class).one()));
    }

    static KsyncException notStarted(AccountId account) {
        return new KsyncException(ErrorKind.NOT_FOUND, "backfill_not_found",
                "No backfill of '" + account.value() + "' was started", Map.of("client_id", account.value()));
    }

    private static BackfillStatus status(String text) {
        JsonNode j = parse(text);
        return new BackfillStatus(j.path("client_id").asText(), j.path("status").asText(),
                j.path("days_completed").asInt(), j.path("days_total").asInt(), j);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL built unreadable JSON", e);
        }
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}

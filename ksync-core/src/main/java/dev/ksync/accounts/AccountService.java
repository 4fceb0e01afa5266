package dev.ksync.accounts;

import dev.ksync.audience.AudienceSchema;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.error.Blame;
import dev.ksync.request.Choices;
import dev.ksync.secrets.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Registers, lists, changes and removes Klaviyo accounts; keeps their API keys encrypted at rest. */
public final class AccountService {
    private static final int MAX_NAME = 200;
    private static final String SELECT = "select id, name, api_key_last4, enabled, nightly_days, nightly_timeframe_key,"
            + " nightly_audience_schema, created_at from accounts";

    private final Jdbi jdbi;
    private final SecretBox box;
    private final Clock clock;

    public AccountService(Jdbi jdbi, SecretBox box, Clock clock) {
        this.jdbi = jdbi;
        this.box = box;
        this.clock = clock;
    }

    /** Adds an account; a second add with the same id is a conflict ({@link #setKey} replaces a key). */
    public Account add(AccountId id, String name, Secret apiKey) {
        String cleanName = name == null || name.isBlank() ? id.value() : name.strip();
        if (cleanName.length() > MAX_NAME) {
            throw KsyncException.badInput("name", cleanName.substring(0, 20) + "…", "at most " + MAX_NAME + " characters");
        }
        checkKey(apiKey);
        Instant now = clock.instant();
        byte[] sealed = box.seal(apiKey.value(), id.value());
        int inserted = jdbi.withHandle(h -> h.createUpdate("""
                insert into accounts (id, name, api_key_cipher, api_key_last4, created_at, updated_at)
                values (:id, :name, :cipher, :last4, :now, :now)
                on conflict (id) do nothing""")
                .bind("id", id.value())
                .bind("name", cleanName)
                .bind("cipher", sealed)
                .bind("last4", apiKey.last4())
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .execute());
        if (inserted == 0) {
            throw KsyncException.conflict("account_exists", "Account '" + id + "' already exists; to change its key,"
                    + " replace it (ksync accounts set-key " + id + ", or PATCH /api/accounts/" + id
                    + " {\"klaviyoApiKey\": …})");
        }
        return new Account(id, cleanName, apiKey.last4(), true, now);
    }

    public List<Account> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " order by id").map(AccountService::row).list());
    }

    /**
     * A job named an account that is not registered (404 {@code not_found}); the message says where the registered
     * ones are listed.
     */
    public static KsyncException notRegistered(AccountId id) {
        return notRegistered(id, null);
    }

    /** As {@link #notRegistered(AccountId)}, the message going on with {@code hint} (what else the caller can do). */
    public static KsyncException notRegistered(AccountId id, String hint) {
        return new KsyncException(ErrorKind.NOT_FOUND, "not_found", "account '" + id + "' is not registered (see"
                + " ksync accounts list, or GET /api/accounts)" + (hint == null ? "" : "; " + hint),
                Map.of("resource", "account", "id", id.value()));
    }

    public Optional<Account> find(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where id = :id").bind("id", id.value())
                .map(AccountService::row).findOne());
    }

    /** The enabled accounts, by id: what the nightly schedule runs. */
    public List<AccountId> enabledIds() {
        return jdbi.withHandle(h -> h.createQuery("select id from accounts where enabled order by id")
                .map((rs, ctx) -> new AccountId(rs.getString("id"))).list());
    }

    private static Account row(ResultSet rs, StatementContext ctx)
            throws SQLException {
        NightlyOptions nightly = new NightlyOptions(
                Optional.ofNullable(rs.getObject("nightly_days", Integer.class)),
                Optional.ofNullable(rs.getString("nightly_timeframe_key")),
                Optional.ofNullable(rs.getString("nightly_audience_schema"))
                        .map(v -> Choices.parse("nightlyAudienceSchema", AudienceSchema.class, v)));
        return new Account(new AccountId(rs.getString("id")), rs.getString("name"), rs.getString("api_key_last4"),
                rs.getBoolean("enabled"), nightly, rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    /** Enables or disables the account's nightly update; the account as it is now, or empty when there is none. */
    public Optional<Account> setEnabled(AccountId id, boolean enabled) {
        int changed = jdbi.withHandle(h -> h.createUpdate(
                        "update accounts set enabled = :enabled, updated_at = :now where id = :id")
                .bind("id", id.value())
                .bind("enabled", enabled)
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .execute());
        return changed == 0 ? Optional.empty() : find(id);
    }

    /** Replaces the account's nightly options (empty ones mean the defaults); empty when there is no such account. */
    public Optional<Account> setNightlyOptions(AccountId id, NightlyOptions options) {
        int changed = jdbi.withHandle(h -> h.createUpdate("""
                        update accounts set nightly_days = :days, nightly_timeframe_key = :key,
                            nightly_audience_schema = :schema, updated_at = :now
                        where id = :id""")
                .bind("id", id.value())
                .bind("days", options.days().orElse(null))
                .bind("key", options.timeframeKey().orElse(null))
                .bind("schema", options.audienceSchema().map(Choices::wireName).orElse(null))
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .execute());
        return changed == 0 ? Optional.empty() : find(id);
    }

    /**
     * Replaces the account's Klaviyo key (checked and encrypted as {@link #add} does); its data, history and settings
     * stay. Empty when there is no such account.
     */
    public Optional<Account> setKey(AccountId id, Secret apiKey) {
        checkKey(apiKey);
        byte[] sealed = box.seal(apiKey.value(), id.value());
        int changed = jdbi.withHandle(h -> h.createUpdate("""
                        update accounts set api_key_cipher = :cipher, api_key_last4 = :last4, updated_at = :now
                        where id = :id""")
                .bind("id", id.value())
                .bind("cipher", sealed)
                .bind("last4", apiKey.last4())
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .execute());
        return changed == 0 ? Optional.empty() : find(id);
    }

    private static void checkKey(Secret apiKey) {
        if (apiKey == null || apiKey.value().isBlank()) {
            throw KsyncException.badInput("klaviyoApiKey", null, "a Klaviyo private API key (pk_…)");
        }
        if (apiKey.value().length() > 200 || apiKey.value().chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
            throw KsyncException.badInput("klaviyoApiKey", "(hidden)",
                    "a Klaviyo private API key: printable ASCII without spaces, at most 200 characters");
        }
    }

    /**
     * What removing an account deletes with it (the database cascades): its backfill history and its nightly run
     * records. What stays is {@link #KEPT}.
     *
     * @param backfillStatus the backfill's status, or null when it never ran (or was cleared)
     * @param backfillDailyStats rows of daily flow and campaign statistics
     */
    public record Removal(String id, String backfillStatus, int backfillDaysDone, long backfillOrders,
                          long backfillCampaigns, long backfillFlows, long backfillDailyStats, long nightlyRuns) {
        /**
         * What removing an account leaves in place: the HTTP answer's {@code kept}, and what the CLI says stays (the
         * README and the OpenAPI document say the same).
         */
        public static final List<String> KEPT = List.of("snapshots", "uploads", "stored objects",
                "raw ingestion tables", "ingestion log");

        /** {@link #KEPT} for people: "snapshots, uploads, stored objects, raw ingestion tables and ingestion log". */
        public static String keptText() {
            return String.join(", ", KEPT.subList(0, KEPT.size() - 1)) + " and " + KEPT.getLast();
        }

        /** True when the account held backfilled data. */
        public boolean hasBackfill() {
            return backfillStatus != null
                    || backfillOrders + backfillCampaigns + backfillFlows + backfillDailyStats > 0;
        }

        /** For people: "backfill history (completed, 365 days, 3271 orders, 12 campaigns, …)". */
        public String backfillText() {
            return "backfill history (" + (backfillStatus == null ? "" : backfillStatus + ", ")
                    + count(backfillDaysDone, "day") + ", " + count(backfillOrders, "order") + ", "
                    + count(backfillCampaigns, "campaign") + ", " + count(backfillFlows, "flow") + ", "
                    + count(backfillDailyStats, "row") + " of daily statistics)";
        }

        private static String count(long n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }
    }

    /**
     * Removes the account and, with it, its backfill history and nightly run records; empty when there was none.
     * With {@code evenWithBackfill} false an account that holds backfilled data is left as it is (409
     * {@code account_has_backfill}, saying what it holds). Counting and deleting are one transaction.
     */
    public Optional<Removal> remove(AccountId id, boolean evenWithBackfill) {
        return jdbi.inTransaction(h -> {
            if (h.createQuery("select id from accounts where id = :id for update").bind("id", id.value())
                    .mapTo(String.class).findOne().isEmpty()) {
                return Optional.<Removal>empty();
            }
            Removal removal = h.createQuery("""
                            select s.status, coalesce(s.days_done, 0) as days_done,
                                   (select count(*) from backfill_orders where account_id = :id) as orders,
                                   (select count(*) from backfill_campaigns where account_id = :id) as campaigns,
                                   (select count(*) from backfill_flows where account_id = :id) as flows,
                                   (select count(*) from backfill_campaign_daily where account_id = :id)
                                     + (select count(*) from backfill_flow_daily where account_id = :id) as daily,
                                   (select count(*) from nightly_runs where account_id = :id) as nightly
                            from (select 1) one left join backfill_status s on s.account_id = :id""")
                    .bind("id", id.value())
                    .map((rs, ctx) -> new Removal(id.value(), rs.getString("status"), rs.getInt("days_done"),
                            rs.getLong("orders"), rs.getLong("campaigns"), rs.getLong("flows"), rs.getLong("daily"),
                            rs.getLong("nightly")))
                    .one();
            if (BackfillStatus.IN_PROGRESS.equals(removal.backfillStatus())) {
                // its task would go on calling Klaviyo with the removed key until its day ended
                // waiting resolves it: a "rerun later" (exit 3), as a backfill start meanwhile
                throw new KsyncException(ErrorKind.CONFLICT, Blame.EXTERNAL, "backfill_running",
                        "Account '" + id + "' has a backfill running; wait for it to end, or cancel it first (POST"
                        + " /api/backfill/cancel/" + id + ", or ksync backfill cancel " + id + ")",
                        Map.of("accountId", id.value()), Optional.empty(), null);
            }
            if (removal.hasBackfill() && !evenWithBackfill) {
                throw new KsyncException(ErrorKind.CONFLICT, "account_has_backfill", "Account '" + id + "' holds "
                        + removal.backfillText() + ", which removing it deletes for good: confirm with ksync accounts"
                        + " remove " + id + " --yes, or keep it and change only its key (ksync accounts set-key " + id
                        + ")",
                        Map.of("accountId", id.value(), "backfillOrders", removal.backfillOrders(),
                                "backfillDaysDone", removal.backfillDaysDone()));
            }
            h.createUpdate("delete from accounts where id = :id").bind("id", id.value()).execute();
            return Optional.of(removal);
        });
    }

    /** The decrypted Klaviyo key of a registered account, for the client's Authorization header only. */
    public Optional<Secret> apiKey(AccountId id) {
        return jdbi.withHandle(h -> h.createQuery("select api_key_cipher from accounts where id = :id")
                        .bind("id", id.value())
                        .mapTo(byte[].class)
                        .findOne())
                .map(sealed -> new Secret(box.open(sealed, id.value())));
    }
}

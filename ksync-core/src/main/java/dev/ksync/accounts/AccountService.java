package dev.ksync.accounts;

import dev.ksync.audience.AudienceSchema;
import dev.ksync.config.Secret;
import dev.ksync.error.KsyncException;
import dev.ksync.request.Choices;
import dev.ksync.secrets.SecretBox;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Registers, lists and removes Klaviyo accounts; keeps their API keys encrypted at rest. */
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

    /** Adds an account; a second add with the same id is a conflict (remove it first to replace its key). */
    public Account add(AccountId id, String name, Secret apiKey) {
        String cleanName = name == null || name.isBlank() ? id.value() : name.strip();
        if (cleanName.length() > MAX_NAME) {
            throw KsyncException.badInput("name", cleanName.substring(0, 20) + "…", "at most " + MAX_NAME + " characters");
        }
        if (apiKey == null || apiKey.value().isBlank()) {
            throw KsyncException.badInput("klaviyoApiKey", null, "a Klaviyo private API key (pk_…)");
        }
        if (apiKey.value().length() > 200 || apiKey.value().chars().anyMatch(ch -> ch <= ' ' || ch > '~')) {
            throw KsyncException.badInput("klaviyoApiKey", "(hidden)",
                    "a Klaviyo private API key: printable ASCII without spaces, at most 200 characters");
        }
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
            throw KsyncException.conflict("account_exists",
                    "Account '" + id + "' already exists; remove it first to register it again");
        }
        return new Account(id, cleanName, apiKey.last4(), true, now);
    }

    public List<Account> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " order by id").map(AccountService::row).list());
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

    private static Account row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
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

    /** Removes the account; false when there was none. */
    public boolean remove(AccountId id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from accounts where id = :id").bind("id", id.value())
                .execute()) > 0;
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

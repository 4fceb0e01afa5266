package dev.ksync.db;

import dev.ksync.reporting.ReportCache;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link ReportCache} in table {@code report_caches}: shared by every ksync process on the database. */
public final class PostgresReportCache implements ReportCache {
    private final Jdbi jdbi;

    public PostgresReportCache(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi is null");
    }

    @Override
    public Optional<Entry> get(String account, String kind, String item, String version) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select value, stored_at from report_caches
                        where account = :account and kind = :kind and item = :item and version = :version""")
                .bind("account", account).bind("kind", kind).bind("item", item).bind("version", version)
                .map((rs, ctx) -> new Entry(rs.getString("value"), rs.getTimestamp("stored_at").toInstant()))
                .findOne());
    }

    @Override
    public void put(String account, String kind, String item, String version, String value, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into report_caches (account, kind, item, version, value, stored_at)
                        values (:account, :kind, :item, :version, :value, :at)
                        on conflict (account, kind, item)
                        do update set version = excluded.version, value = excluded.value, stored_at = excluded.stored_at""")
                .bind("account", account).bind("kind", kind).bind("item", item).bind("version", version)
                .bind("value", value).bind("at", at).execute());
    }
}

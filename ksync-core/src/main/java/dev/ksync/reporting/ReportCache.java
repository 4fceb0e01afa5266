package dev.ksync.reporting;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What flow and campaign syncs remember per Klaviyo account between runs (PostgreSQL in ksync:
 * {@code dev.ksync.db.PostgresReportCache}): walked flows, the resolved conversion metric, audience names. An entry
 * is one item of one kind, valid for one {@code version} (e.g. a flow's {@code updated} time; "" when unversioned).
 * Keys are Klaviyo account ids, never API keys. Values are JSON the callers own.
 */
public interface ReportCache {
    /** A stored value and when it was stored (callers bound the age of unversioned entries). */
    record Entry(String value, Instant storedAt) {}

    /** The entry of {@code item} when it was stored for exactly this {@code version}. */
    Optional<Entry> get(String account, String kind, String item, String version);

    /** Stores (or replaces) the entry of {@code item}. */
    void put(String account, String kind, String item, String version, String value, Instant at);

    /** Remembers nothing: every run asks Klaviyo (tests of a first run, tools without a database). */
    static ReportCache none() {
        return new ReportCache() {
            @Override
            public Optional<Entry> get(String account, String kind, String item, String version) {
                return Optional.empty();
            }

            @Override
            public void put(String account, String kind, String item, String version, String value, Instant at) {}
        };
    }

    /** In this process only. */
    static ReportCache inMemory() {
        record Key(String account, String kind, String item) {}
        record Versioned(String version, Entry entry) {}
        Map<Key, Versioned> map = new ConcurrentHashMap<>();
        return new ReportCache() {
            @Override
            public Optional<Entry> get(String account, String kind, String item, String version) {
                Versioned v = map.get(new Key(account, kind, item));
                return v != null && v.version().equals(version) ? Optional.of(v.entry()) : Optional.empty();
            }

            @Override
            public void put(String account, String kind, String item, String version, String value, Instant at) {
                map.put(new Key(account, kind, item), new Versioned(version, new Entry(value, at)));
            }
        };
    }
}

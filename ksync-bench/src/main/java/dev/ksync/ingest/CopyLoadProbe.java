package dev.ksync.ingest;

import dev.ksync.klaviyo.wire.RawResource;
import java.time.Instant;
import java.util.Iterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.jdbi.v3.core.Jdbi;

/**
 * The ingestion's PostgreSQL half alone, for {@code EventsIngestBench}: records through {@link RawTable#load} (encoded
 * on one thread, COPYed on the other) in one transaction, as a window is loaded. Lives in the ingest package because
 * the loader is internal to it.
 */
public final class CopyLoadProbe {
    private CopyLoadProbe() {}

    /**
     * Loads every record into {@code schema.table} (an events table, keyed on id; created in the same transaction
     * when missing, as a first window creates it); the rows inserted.
     */
    public static long load(Jdbi jdbi, String schema, String table, int batchRows, Iterator<RawResource> records,
                            Function<RawResource, Instant> datetime) {
        RawTable t = new RawTable(schema, table, "datetime", RawTable.Key.ID);
        jdbi.useTransaction(h -> RawTable.createSchema(h, schema));
        return jdbi.inTransaction(h -> {
            RawTable.State state = t.createIfMissing(h);
            return t.load(h, Instant.now().getEpochSecond(), batchRows, Ingestion.Settings.DEFAULT.keepLinks(),
                    StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, 0), false), datetime, state);
        });
    }
}

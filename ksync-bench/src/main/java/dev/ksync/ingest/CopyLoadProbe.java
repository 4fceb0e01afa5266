package dev.ksync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Iterator;
import org.jdbi.v3.core.Jdbi;

/**
 * The ingestion's PostgreSQL half alone, for {@code EventsIngestBench}: records through {@link RawTable.Loader} (COPY
 * into the staging table, then insert skipping held rows) in one transaction, as a window is loaded. Lives in the
 * ingest package because the loader is internal to it.
 */
public final class CopyLoadProbe {
    private CopyLoadProbe() {}

    /** Loads every record (telling {@code backendPid} the PostgreSQL backend that does the work) into {@code schema.table} (an events table, keyed on id); the rows inserted. */
    public static long load(Jdbi jdbi, String schema, String table, int batchRows, Iterator<JsonNode> records,
                            java.util.function.Function<JsonNode, Instant> datetime,
                            java.util.function.IntConsumer backendPid) {
        RawTable t = new RawTable(schema, table, "datetime", RawTable.Key.ID);
        jdbi.useTransaction(h -> RawTable.createSchema(h, schema));
        return jdbi.inTransaction(h -> {
            backendPid.accept(h.createQuery("select pg_backend_pid()").mapTo(Integer.class).one());
            t.createIfMissing(h);
            RawTable.Loader loader = t.loader(h, Instant.now().getEpochSecond(), batchRows);
            while (records.hasNext()) {
                JsonNode r = records.next();
                loader.add(r, datetime.apply(r));
            }
            return loader.finish();
        });
    }
}

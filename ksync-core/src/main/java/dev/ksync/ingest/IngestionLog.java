package dev.ksync.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code ingestion_log} table: the runbook's log_ingestion_start / _success / _error, one row per datasource run.
 * Written outside the load's transaction, so a started run shows while it loads and a failed one keeps its error.
 */
public final class IngestionLog {
    /** The error of a run that ended without logging its end. */
    public static final String ABANDONED = "abandoned: the run ended without finishing (killed, or its database"
            + " session lost); its window committed nothing and a later run loaded it again";

    /** Rows {@code GET /api/ingest/log} and {@code ksync ingest log} show when not told, and at most. */
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    private final Jdbi jdbi;

    public IngestionLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One log row as shown by {@code GET /api/ingest/log} and {@code ksync ingest log}. */
    public record Entry(long id, String accountId, String schema, String source, String workflow, String table,
                        String mode, String status, Long rows, String windowStart, String windowEnd, Long durationMs,
                        String error, Instant startedAt, Instant finishedAt) {}

    long start(String accountId, String schema, IngestMode mode, Datasource d, Instant at) {
        return own(h -> h.createUpdate("insert into ingestion_log (account_id, schema_name, source_name,"
                        + " workflow_name, table_name, mode, status, started_at) values (:a, :s, :src, :wf, :t, :m,"
                        + " 'running', :at)")
                .bind("a", accountId).bind("s", schema).bind("src", d.tableName()).bind("wf", d.workflowName())
                .bind("t", d.tableName()).bind("m", mode.label()).bind("at", at.atOffset(ZoneOffset.UTC))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    void window(long id, IngestReport.Window w) {
        own(h -> h.createUpdate("update ingestion_log set window_start = :s, window_end = :e where id = :id")
                .bind("s", w.start()).bind("e", w.end()).bind("id", id).execute());
    }

    /**
     * Marks run {@code id} live until {@code h}'s transaction (its load's) ends, however it ends: a killed process's
     * session takes the mark with it. Taken first in the load's transaction, before it waits for the table's lock.
     */
    void live(Handle h, long id) {
        h.createQuery("select 1 from (select pg_advisory_xact_lock(" + runLock(":id") + ")) l")
                .bind("id", id).mapTo(Integer.class).one();
    }

    /**
     * Marks as failed the {@code running} rows of the table that a run left when it died (kill -9, a lost session),
     * whether or not it had got as far as its window: the rows whose run holds no {@link #live} mark. Called by the
     * holder of the table's lock, so no other run is loading the table; one waiting for the lock is live and keeps
     * its row. A dead run's window committed nothing; this run loads it again. (A run that committed but has not yet
     * logged its success, or that has logged its start but not yet begun its transaction, is set right by its own
     * {@link #finish}.)
     */
    int abandonStale(String schema, String table, long ownId, Instant at) {
        // (the probe takes a dead run's mark for this statement only: its own transaction ends with it)
        return own(h -> h.createUpdate("with unfinished as materialized (select id from ingestion_log"
                        + " where schema_name = :s and table_name = :t and status = 'running' and id <> :own)"
                        + " update ingestion_log set status = 'error', error_message = :err, finished_at = :at"
                        + " where id in (select id from unfinished"
                        + " where pg_try_advisory_xact_lock(" + runLock("id") + "))")
                .bind("err", ABANDONED).bind("at", at.atOffset(ZoneOffset.UTC)).bind("s", schema)
                .bind("t", table).bind("own", ownId).execute());
    }

    /** The advisory lock (class, key) of a live run's mark; {@code id}: the SQL of its log row's id. */
    private static String runLock(String id) {
        return "hashtext('ksync.ingest.run'), (" + id + " % 2147483647)::int";
    }

    void finish(long id, String status, long rows, long durationMs, String error, Instant at) {
        own(h -> h.createUpdate("update ingestion_log set status = :st, rows = :r, duration_ms = :d,"
                        + " error_message = :err, finished_at = :at where id = :id")
                .bind("st", status).bind("r", rows).bind("d", durationMs).bind("err", error)
                .bind("at", at.atOffset(ZoneOffset.UTC)).bind("id", id).execute());
    }

    /**
     * Runs a write on a handle of its own, committed at once: inside a load's transaction {@code jdbi.withHandle}
     * would join that transaction (Jdbi reuses a thread's open handle), and a kill would take the row's window with it.
     */
    private <R> R own(HandleCallback<R, RuntimeException> write) {
        try (Handle h = jdbi.open()) {
            return write.withHandle(h);
        }
    }

    /** The newest {@code limit} rows, of one account or of all (null), newest first. */
    public List<Entry> recent(String accountId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from ingestion_log where (:a::text is null or account_id = :a)"
                        + " order by started_at desc, id desc limit :n")
                .bind("a", accountId).bind("n", limit)
                .map((rs, ctx) -> new Entry(rs.getLong("id"), rs.getString("account_id"), rs.getString("schema_name"),
                        rs.getString("source_name"), rs.getString("workflow_name"), rs.getString("table_name"),
                        rs.getString("mode"), rs.getString("status"), (Long) rs.getObject("rows"),
                        rs.getString("window_start"), rs.getString("window_end"), (Long) rs.getObject("duration_ms"),
                        rs.getString("error_message"), instant(rs.getObject("started_at", OffsetDateTime.class)),
                        instant(rs.getObject("finished_at", OffsetDateTime.class))))
                .list());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}

package dev.ksync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.wire.RawResource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw table of a datasource in the account's schema: {@code id}, the incremental field ({@code timestamptz}), the
 * record's scalar top-level attributes as typed columns (text, numeric, boolean, timestamptz; added as they first
 * appear), the whole record as {@code jsonb} and {@code time} (upload time, epoch seconds). A unique key keeps a
 * record once however often a window boundary fetches it: events on {@code id}, other incremental tables on
 * {@code id} + the incremental field (an update is a new row, as the runbook appends it), full loads on {@code id} +
 * {@code time} (one snapshot per run).
 */
final class RawTable {
    private static final Logger log = LoggerFactory.getLogger(RawTable.class);
    /** Columns ksync keeps itself: no attribute or incremental field may take their names. */
    static final Set<String> RESERVED = Set.of("id", "record", "time");

    enum Key { ID, ID_AND_FIELD, ID_AND_TIME }

    private final String schema;
    private final String table;
    private final String field;
    private final Key key;
    /** The datasource whose records the table keeps; null for a table of none (tests, the benchmark's probe). */
    private final Source source;
    /** The datasources file's entry the table is loaded for, which its refusals name; null for none. */
    private final Entry entry;
    /**
     * The columns {@link #createIfMissing} read of a table held before, for {@link #load} in the same transaction
     * (under the table's lock nothing changes them between): one catalog query a window, not two.
     */
    private Map<String, String> held;

    /** @param field the incremental column, null for a full load */
    RawTable(String schema, String table, String field, Key key) {
        this(schema, table, field, key, null, null);
    }

    private RawTable(String schema, String table, String field, Key key, Source source, Entry entry) {
        this.schema = schema;
        this.table = table;
        this.field = field;
        this.key = key;
        this.source = source;
        this.entry = entry;
    }

    static RawTable of(String schema, Entry e) {
        Datasource d = e.datasource();
        Key key = switch (d.loadType()) {
            case EVENTS -> Key.ID;
            case INCREMENTAL -> Key.ID_AND_FIELD;
            case FULL -> Key.ID_AND_TIME;
        };
        return new RawTable(schema, d.tableName(), d.incrementalField(), key, d.source(), e);
    }

    String qualified() {
        return quote(schema) + "." + quote(table);
    }

    /**
     * Serializes every writer of this table (other datasources, other processes) until the caller's transaction
     * ends, so a window is computed from committed rows only.
     */
    void lock(Handle h) {
        lockUntilCommit(h, "ksync.ingest:" + schema + "." + table);
    }

    /** The account's schema, once for all its tables (concurrent creators wait for each other). */
    static boolean createSchema(Handle h, String schema) {
        lockUntilCommit(h, "ksync.ingest:" + schema);
        if (schemaExists(h, schema)) return false;
        h.execute("create schema " + quote(schema));
        return true;
    }

    /** Drops the account's schema when it holds nothing (under the lock creating it takes); else leaves it. */
    static void dropSchemaIfEmpty(Handle h, String schema) {
        lockUntilCommit(h, "ksync.ingest:" + schema);
        boolean empty = h.createQuery("select not exists (select 1 from pg_class where relnamespace = "
                + "(select oid from pg_namespace where nspname = :s))").bind("s", schema).mapTo(Boolean.class).one();
        if (empty) h.execute("drop schema if exists " + quote(schema) + " restrict");
    }

    private static boolean schemaExists(Handle h, String schema) {
        return h.createQuery("select exists (select 1 from pg_namespace where nspname = :s)").bind("s", schema)
                .mapTo(Boolean.class).one();
    }

    /** Waits for the advisory lock {@code name}, held until {@code h}'s transaction ends. */
    private static void lockUntilCommit(Handle h, String name) {
        h.createQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:name))) l")
                .bind("name", name).mapTo(Integer.class).one();
    }

    /** The table as a window finds it, which decides how {@link #load} writes. */
    enum State {
        /**
         * Created by this transaction: its rows are written frozen (visible to all once committed, so no reader or
         * vacuum rewrites its pages later) and its unique key is built after them.
         */
        CREATED,
        /**
         * Held before without its unique key (dropped by hand, or the table was made by a window that loaded nothing):
         * the key is built after the rows.
         */
        KEYLESS,
        /** Held before with its unique key: a batch meeting held rows goes through a staging table. */
        KEYED
    }

    /**
     * The runbook's "create table if missing" (in the schema of {@link #createSchema}, under {@link #lock}). A table
     * held before must have been made for this entry: its {@link Mark} says so ({@link #requireFits}; checked here,
     * under the lock, whether or not the run was checked first); one made before the mark must not hold another
     * source's records, nor have been made with another incremental_field, which would window on a column that is
     * not there, or on an attribute's. A keyed table tells by its unique key's columns (both fields are usually date
     * attributes, so the entry's is a timestamptz column either way); one without its key by the incremental column,
     * which must be there as a timestamptz.
     */
    State createIfMissing(Handle h) {
        if (h.createQuery("select to_regclass(:t) is null").bind("t", qualified()).mapTo(Boolean.class).one()) {
            h.execute("create table " + qualified() + " (id text not null"
                    + (field == null ? "" : ", " + quote(field) + " timestamptz")
                    + ", record jsonb not null, time bigint not null)");
            if (source != null) markAs(h, new Mark(source.label(), field));
            return State.CREATED;
        }
        Optional<Mark> mark = source == null ? Optional.empty() : Mark.of(h, qualified());
        mark.ifPresent(this::requireFits);
        held = columns(h);
        if (field != null) requireIncrementalColumn(held.get(field));
        Optional<List<String>> heldKey = heldKeyColumns(h);
        if (heldKey.isPresent() && !heldKey.get().equals(keyColumns())) {
            throw mismatch("is keyed on (" + String.join(", ", heldKey.get()) + "), not ("
                    + String.join(", ", keyColumns()) + ")" + MADE_WITH_ANOTHER);
        }
        if (source != null && mark.isEmpty()) adopt(h);
        return heldKey.isEmpty() ? State.KEYLESS : State.KEYED;
    }

    /**
     * What a raw table was made for, kept as its comment ({@code COMMENT ON TABLE}, written in the transaction that
     * creates it): the datasource {@code name} whose records it keeps and its incremental field (null: a full load).
     * A table holds one datasource's records: another's would be windowed from the first one's max (its older
     * records never loaded) and mixed with them.
     */
    record Mark(String source, String incrementalField) {
        private static final Pattern TEXT = Pattern.compile(
                "ksync raw table: source=([a-z]+) incremental_field=([a-z0-9_]*)");

        String text() {
            return "ksync raw table: source=" + source + " incremental_field=" + (incrementalField == null ? "" : incrementalField);
        }

        String field() {
            return incrementalField == null ? "no incremental field (a full load)" : "incremental_field " + incrementalField;
        }

        /** The mark of the table {@code qualified}; empty when it has none (made before ksync marked its tables). */
        static Optional<Mark> of(Handle h, String qualified) {
            return h.createQuery("select obj_description(to_regclass(:t), 'pg_class')").bind("t", qualified)
                    .mapTo(String.class).findOne().flatMap(Mark::parse);
        }

        /** The marks of the tables of {@code schema} among {@code tables}, by name (the unmarked ones left out). */
        static Map<String, Mark> of(Handle h, String schema, Collection<String> tables) {
            Map<String, Mark> out = new LinkedHashMap<>();
            h.createQuery("select c.relname, obj_description(c.oid, 'pg_class') from pg_class c"
                            + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = :s and c.relname in (<t>)")
                    .bind("s", schema).bindList("t", List.copyOf(tables))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), Optional.ofNullable(rs.getString(2))))
                    .forEach(e -> e.getValue().flatMap(Mark::parse).ifPresent(m -> out.put(e.getKey(), m)));
            return out;
        }

        static Optional<Mark> parse(String comment) {
            if (comment == null) return Optional.empty();
            Matcher m = TEXT.matcher(comment);
            if (!m.matches()) return Optional.empty();
            return Optional.of(new Mark(m.group(1), m.group(2).isEmpty() ? null : m.group(2)));
        }
    }

    /**
     * Refuses a table whose {@link Mark} says it was made for another datasource or incremental field (400
     * {@code table_of_another_source} / {@code incremental_field_mismatch}, naming the entry): the one place both
     * the check before a run ({@link Ingestion#check}) and the load ({@link #createIfMissing}) compare them.
     */
    void requireFits(Mark mark) {
        if (!mark.source().equals(source.label())) throw foreign(mark.source());
        if (!Objects.equals(mark.incrementalField(), field)) {
            throw mismatch("was made with " + mark.field() + ", not " + field);
        }
    }

    /** Writes the table's {@link Mark} in {@code h}'s transaction. */
    private void markAs(Handle h, Mark mark) {
        h.execute("comment on table " + qualified() + " is '" + mark.text().replace("'", "''") + "'");
    }

    /**
     * Takes over a table made before ksync marked its tables, once its shape fits the entry ({@link #createIfMissing}
     * checked its incremental column and key): unless a row is another source's record (Klaviyo's {@code type}), it
     * is marked as this datasource's. One pass over the table, on its first load since.
     */
    private void adopt(Handle h) {
        Optional<String> other = h.createQuery("select coalesce(record->>'type', '(none)') from " + qualified()
                        + " where record->>'type' is distinct from :type limit 1")
                .bind("type", source.recordType()).mapTo(String.class).findOne();
        if (other.isPresent()) {
            throw foreign(Source.byRecordType(other.get()).map(Source::label).orElse("'" + other.get() + "'"));
        }
        markAs(h, new Mark(source.label(), field));
    }

    /** The table keeps {@code held}'s records, not this datasource's. */
    private KsyncException foreign(String held) {
        Map<String, String> details = refusalDetails("table_name");
        details.put("holds", held);
        details.put("datasource", source.label());
        return new KsyncException(ErrorKind.BAD_INPUT, "table_of_another_source", refusalLabel() + "table " + schema
                + "." + table + " holds " + held + " records, not " + source.label() + ": a table keeps one"
                + " datasource's records (another's would be windowed from their max, its older records never loaded);"
                + " give the entry a table_name of its own", details);
    }

    private void requireIncrementalColumn(String type) {
        if ("timestamptz".equals(type)) return;
        throw mismatch((type == null ? "has no column " + field
                : "has " + field + " as an attribute's column (" + type + "), not as its incremental field")
                + MADE_WITH_ANOTHER);
    }

    /** What a table whose shape does not fit the entry's incremental_field tells of itself. */
    private static final String MADE_WITH_ANOTHER = ": it was made with another incremental_field";

    private KsyncException mismatch(String found) {
        Map<String, String> details = refusalDetails("incremental_field");
        if (field != null) details.put("incrementalField", field);
        return new KsyncException(ErrorKind.BAD_INPUT, "incremental_field_mismatch", refusalLabel() + "table "
                + schema + "." + table + " " + found + ". Set the entry's incremental_field back to the table's, or"
                + " give the entry a new table_name", details);
    }

    /** A refusal's opening naming the entry ({@code inc_datasources[1] (templates): }), when the table has one. */
    private String refusalLabel() {
        return entry == null ? "" : entry.label();
    }

    /** A refusal's details: the entry when the table has one, the entry's {@code field} at fault, the table. */
    private Map<String, String> refusalDetails(String field) {
        Map<String, String> details = new LinkedHashMap<>();
        if (entry != null) details.put("entry", entry.key());
        details.put("field", field);
        details.put("table", table);
        return details;
    }

    /** The columns of the unique key this entry's rows are kept once on, in order. */
    private List<String> keyColumns() {
        return switch (key) {
            case ID -> List.of("id");
            case ID_AND_FIELD -> List.of("id", field);
            case ID_AND_TIME -> List.of("id", "time");
        };
    }

    /** The columns of the table's unique key as it holds it, in order; empty when it has none. */
    private Optional<List<String>> heldKeyColumns(Handle h) {
        return h.createQuery("select array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, n)"
                        + " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.n)"
                        + " from pg_index i join pg_class c on c.oid = i.indexrelid"
                        + " where i.indrelid = to_regclass(:t) and i.indisunique and c.relname in (:key, :legacy)"
                        + " order by c.relname = :key desc limit 1")
                .bind("t", qualified()).bind("key", keyIndex()).bind("legacy", legacyKeyIndex())
                .map((rs, ctx) -> List.of((String[]) rs.getArray(1).getArray())).findOne();
    }

    /**
     * The unique key's index: the table's name cut to {@value #KEY_NAME_ROOM} characters + {@code _ksync_key}, as
     * ksync always named it; a longer table name is cut with a hash of it ({@link #fit}), so two tables whose names
     * share their first {@value #KEY_NAME_ROOM} characters get a key each.
     */
    private String keyIndex() {
        return fit(table, KEY_NAME_ROOM) + KEY_SUFFIX;
    }

    /** The key of a table named past {@value #KEY_NAME_ROOM} characters as ksync named it before: the name cut. */
    private String legacyKeyIndex() {
        return table.substring(0, Math.min(table.length(), KEY_NAME_ROOM)) + KEY_SUFFIX;
    }

    private static final String KEY_SUFFIX = "_ksync_key";
    private static final int KEY_NAME_ROOM = 50;

    /** PostgreSQL keeps this many characters (bytes) of a name and silently drops the rest. */
    static final int MAX_NAME = 63;

    /**
     * {@code name} as it is when it has at most {@code max} characters; else its first {@code max - 9} characters,
     * {@code _} and 8 hex digits of the SHA-256 of the whole name: two names sharing their beginning stay two names,
     * and a name always gets the same.
     */
    static String fit(String name, int max) {
        if (name.length() <= max) return name;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, max - 9) + "_" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * Builds the unique key of a table that lacks it, keeping the first loaded of any rows sharing a key (as a loaded
     * batch would have kept them); the rows dropped so. Sorting the keys once (about 1 µs a row) costs PostgreSQL a
     * third of what inserting each row's random id into a growing index costs while loading.
     */
    private long buildKey(Handle h) throws SQLException {
        List<String> cols = keyColumns().stream().map(RawTable::quote).toList();
        String create = "create unique index " + quote(keyIndex()) + " on " + qualified() + " (" + String.join(", ", cols) + ")";
        // the keys sorted in memory rather than in temporary files, for this transaction only
        h.execute("set local maintenance_work_mem = '" + KEY_SORT_MEMORY + "'");
        long t0 = System.nanoTime();
        int dropped = 0;
        if (unlessDuplicateKey(h.getConnection(), () -> h.execute(create)).isEmpty()) {
            // a record Klaviyo listed twice in the window (it moved between pages while they were read)
            String same = String.join(" and ", cols.stream().map(c -> "a." + c + " = b." + c).toList());
            // held rows (an earlier upload time) before this window's; within one window, the first written
            dropped = h.execute("delete from " + qualified() + " a using " + qualified() + " b where " + same
                    + " and (a.time, a.ctid) > (b.time, b.ctid)");
            h.execute(create);
        }
        log.info("Built the unique key of {} in {} ms ({} repeated rows dropped)", qualified(),
                (System.nanoTime() - t0) / 1_000_000, dropped);
        return dropped;
    }

    private static final String KEY_SORT_MEMORY = "256MB";

    /** The largest incremental value held, if any. */
    Optional<Instant> max(Handle h) {
        return h.createQuery("select max(" + quote(field) + ") from " + qualified())
                .mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant);
    }

    /**
     * Appends {@code records} in {@code h}'s transaction (rows become visible when it commits); the number of rows
     * the table did not hold yet. Reading and encoding the records runs on a thread of its own, a bounded queue of
     * batches ahead of this one, which COPYs them: paging Klaviyo and writing PostgreSQL overlap, and memory holds at
     * most {@link #QUEUED} + 2 batches whatever the number of rows.
     *
     * @param keepLinks store each record with its JSON:API links ({@link CopyRows})
     * @param state     as {@link #createIfMissing} found the table
     */
    long load(Handle h, long uploadTime, int batchRows, boolean keepLinks, Stream<RawResource> records,
              Function<RawResource, Instant> fieldValue, State state) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED);
        Map<String, String> tableTypes = held != null ? held : columns(h);
        AtomicBoolean stopped = new AtomicBoolean();
        Thread producer = Thread.ofPlatform().daemon().name("ksync-ingest-encode-" + table).start(() -> {
            Object end = END;
            try {
                CopyRows rows = new CopyRows(field, uploadTime, batchRows, keepLinks, tableTypes,
                        batch -> put(queue, batch));
                records.forEach(r -> {
                    if (stopped.get()) throw new Stopped();
                    rows.add(r, fieldValue.apply(r));
                });
                rows.flush();
            } catch (Stopped ignored) {
                return; // the loader gave up first and is not listening
            } catch (RuntimeException | Error e) {
                end = e;
            }
            try {
                put(queue, end);
            } catch (Stopped ignored) {
                // the loader gave up first
            }
        });
        Loader loader = new Loader(h, tableTypes.keySet(), state);
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) return state == State.KEYED ? loader.inserted : loader.inserted - buildKey(h);
                if (item instanceof RuntimeException e) throw e;
                if (item instanceof Error e) throw e;
                loader.copy((CopyRows.Batch) item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + qualified(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("the unique key of " + qualified() + " could not be built: " + e.getMessage(), e);
        } finally {
            // The producer ends at its next record or wait; what it still hands over is dropped, so it cannot block
            stopped.set(true);
            producer.interrupt();
            try {
                while (producer.isAlive()) {
                    queue.clear();
                    producer.join(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Batches encoded ahead of the one being loaded. */
    private static final int QUEUED = 2;
    private static final Object END = new Object();

    /** The producer was interrupted: the loader has stopped. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static void put(BlockingQueue<Object> queue, Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            throw new Stopped();
        }
    }

    /**
     * COPYs each batch straight into the table: into a table without its unique key as it comes (frozen when this
     * transaction created the table, which a savepoint would forbid); into a keyed one under a savepoint, so any
     * window whose records the table does not hold costs PostgreSQL one pass. A batch that meets a held row (the
     * records sharing a window's start second, fetched again by design) rolls back to its savepoint and goes through
     * a staging table, inserted skipping the rows the table holds; the next batch goes straight in again once a
     * staged one skipped nothing.
     */
    private final class Loader {
        private final Handle h;
        private final Set<String> existing;
        private final State state;
        private long inserted;
        private boolean direct = true;
        /** The column list the staging table was made with, null before it is needed. */
        private String staged;

        Loader(Handle h, Set<String> existing, State state) {
            this.h = h;
            this.existing = new HashSet<>(existing);
            this.state = state;
        }

        void copy(CopyRows.Batch b) {
            for (CopyRows.Column c : b.columns()) {
                // in this transaction: a killed run leaves no column behind either
                if (existing.add(c.name())) {
                    h.execute("alter table " + qualified() + " add column if not exists " + quote(c.name()) + " " + c.type());
                }
            }
            StringBuilder cols = new StringBuilder("id");
            if (field != null) cols.append(", ").append(quote(field));
            for (CopyRows.Column c : b.columns()) cols.append(", ").append(quote(c.name()));
            cols.append(", record, time");
            try {
                Connection conn = h.getConnection();
                if (state != State.KEYED) {
                    inserted += copyIn(conn, qualified() + " (" + cols + ")", state == State.CREATED ? ", freeze" : "", b);
                    return;
                }
                if (direct) {
                    OptionalLong n = unlessDuplicateKey(conn, () -> copyIn(conn, qualified() + " (" + cols + ")", "", b));
                    if (n.isPresent()) {
                        inserted += n.getAsLong();
                        return;
                    }
                    direct = false;
                }
                if (!cols.toString().equals(staged)) {
                    h.execute("drop table if exists pg_temp.ksync_ingest_stage");
                    // (like: the columns and their types, not the unique index)
                    h.execute("create temporary table ksync_ingest_stage (like " + qualified() + ") on commit drop");
                    staged = cols.toString();
                }
                copyIn(conn, "ksync_ingest_stage (" + cols + ")", "", b);
                int n = h.execute("insert into " + qualified() + " (" + cols + ") select " + cols
                        + " from ksync_ingest_stage on conflict do nothing");
                h.execute("truncate ksync_ingest_stage");
                inserted += n;
                direct = n == b.rows();
            } catch (SQLException e) {
                throw new IllegalStateException("COPY into " + qualified() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private interface SqlWork {
        long run() throws SQLException;
    }

    /**
     * Runs {@code work} under a savepoint: its count, or empty (rolled back to the savepoint, the transaction going
     * on) when it met a key the table already holds.
     */
    private static OptionalLong unlessDuplicateKey(Connection conn, SqlWork work) throws SQLException {
        Savepoint sp = conn.setSavepoint();
        try {
            long n = work.run();
            conn.releaseSavepoint(sp);
            return OptionalLong.of(n);
        } catch (SQLException | UnableToExecuteStatementException e) {
            SQLException cause = e instanceof SQLException s ? s : e.getCause() instanceof SQLException s ? s : null;
            if (cause == null || !UNIQUE_VIOLATION.equals(cause.getSQLState())) throw e;
            conn.rollback(sp);
            return OptionalLong.empty();
        }
    }

    /** @param target the table and its column list; @param options more COPY options after the format */
    private static long copyIn(Connection conn, String target, String options, CopyRows.Batch b) throws SQLException {
        try {
            return conn.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + target + " from stdin with (format binary" + options + ")",
                    new ByteArrayInputStream(b.bytes(), 0, b.length()), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Column → SQL type as the table has them now. */
    private Map<String, String> columns(Handle h) {
        Map<String, String> out = new LinkedHashMap<>();
        h.createQuery("select column_name, data_type from information_schema.columns"
                        + " where table_schema = :s and table_name = :t")
                .bind("s", schema).bind("t", table)
                .map((rs, ctx) -> Map.entry(rs.getString(1), switch (rs.getString(2)) {
                    case "timestamp with time zone" -> "timestamptz";
                    case "numeric", "boolean", "text" -> rs.getString(2);
                    default -> "other";
                }))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** A scalar attribute's column type; null for nulls, objects and arrays (they stay in {@code record}). */
    static String typeOf(JsonNode v) {
        if (v.isBoolean()) return "boolean";
        if (v.isNumber()) return "numeric";
        if (v.isTextual()) return CopyRows.isDatetime(v.textValue()) ? "timestamptz" : "text";
        return null;
    }

    /** An attribute key as a column name: lower case, {@code [a-z0-9_]}, at most 63 characters. */
    static String column(String attribute) {
        String c = attribute.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (c.isEmpty() || Character.isDigit(c.charAt(0))) c = "_" + c;
        return c.length() > MAX_NAME ? c.substring(0, MAX_NAME) : c;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}

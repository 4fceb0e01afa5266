package dev.ksync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * One raw table of a datasource in the account's schema: {@code id}, the incremental field ({@code timestamptz}), the
 * record's scalar top-level attributes as typed columns (text, numeric, boolean, timestamptz; added as they first
 * appear), the whole record as {@code jsonb} and {@code time} (upload time, epoch seconds). A unique key keeps a
 * record once however often a window boundary fetches it: events on {@code id}, other incremental tables on
 * {@code id} + the incremental field (an update is a new row, as the runbook appends it), full loads on {@code id} +
 * {@code time} (one snapshot per run).
 */
final class RawTable {
    /** Columns ksync keeps itself: no attribute or incremental field may take their names. */
    static final Set<String> RESERVED = Set.of("id", "record", "time");
    private static final Pattern DATETIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?");

    enum Key { ID, ID_AND_FIELD, ID_AND_TIME }

    private final String schema;
    private final String table;
    private final String field;
    private final Key key;

    /** @param field the incremental column, null for a full load */
    RawTable(String schema, String table, String field, Key key) {
        this.schema = schema;
        this.table = table;
        this.field = field;
        this.key = key;
    }

    static RawTable of(String schema, Datasource d) {
        Key key = switch (d.loadType()) {
            case EVENTS -> Key.ID;
            case INCREMENTAL -> Key.ID_AND_FIELD;
            case FULL -> Key.ID_AND_TIME;
        };
        return new RawTable(schema, d.tableName(), d.incrementalField(), key);
    }

    String qualified() {
        return quote(schema) + "." + quote(table);
    }

    /**
     * Serializes every writer of this table (other datasources, other processes) until the caller's transaction
     * ends, so a window is computed from committed rows only.
     */
    void lock(Handle h) {
        h.createQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:name))) l")
                .bind("name", "ksync.ingest:" + schema + "." + table).mapTo(Integer.class).one();
    }

    /** The account's schema, once for all its tables (concurrent creators wait for each other). */
    static void createSchema(Handle h, String schema) {
        h.createQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:name))) l")
                .bind("name", "ksync.ingest:" + schema).mapTo(Integer.class).one();
        h.execute("create schema if not exists " + quote(schema));
    }

    /** The runbook's "create table if missing" (in the schema of {@link #createSchema}). */
    void createIfMissing(Handle h) {
        h.execute("create table if not exists " + qualified() + " (id text not null"
                + (field == null ? "" : ", " + quote(field) + " timestamptz")
                + ", record jsonb not null, time bigint not null)");
        String cols = switch (key) {
            case ID -> "id";
            case ID_AND_FIELD -> "id, " + quote(field);
            case ID_AND_TIME -> "id, time";
        };
        String index = (table.length() > 50 ? table.substring(0, 50) : table) + "_ksync_key";
        h.execute("create unique index if not exists " + quote(index) + " on " + qualified() + " (" + cols + ")");
    }

    /** The largest incremental value held, if any. */
    Optional<Instant> max(Handle h) {
        return h.createQuery("select max(" + quote(field) + ") from " + qualified())
                .mapTo(java.time.OffsetDateTime.class).findOne().map(java.time.OffsetDateTime::toInstant);
    }

    /** Starts appending in {@code h}'s transaction; rows become visible when it commits. */
    Loader loader(Handle h, long uploadTime, int batchSize) {
        h.execute("create temporary table if not exists ksync_ingest_stage (id text, field timestamptz, record jsonb)"
                + " on commit drop");
        h.execute("truncate ksync_ingest_stage");
        return new Loader(h, uploadTime, batchSize);
    }

    /** Rows go to a staging table with COPY a batch at a time, then into the table, skipping those it holds. */
    final class Loader {
        private final Handle h;
        private final long uploadTime;
        private final int batchSize;
        private final StringBuilder csv = new StringBuilder();
        private int pending;
        private long inserted;
        /** Column name → attribute key, for every scalar attribute seen in this load (bounded by the schema). */
        private final Map<String, String> attributes = new LinkedHashMap<>();
        /** Column name → SQL type, of this load's attributes not yet in the table. */
        private final Map<String, String> newTypes = new LinkedHashMap<>();
        private Map<String, String> tableTypes;

        private Loader(Handle h, long uploadTime, int batchSize) {
            this.h = h;
            this.uploadTime = uploadTime;
            this.batchSize = batchSize;
        }

        void add(JsonNode record, Instant fieldValue) {
            String id = record.path("id").asText(null);
            if (id == null) throw new IllegalStateException("a Klaviyo record without an id");
            csv.append(csvField(id)).append(',').append(fieldValue == null ? "" : csvField(fieldValue.toString()))
                    .append(',').append(csvField(record.toString())).append('\n');
            for (var it = record.path("attributes").fields(); it.hasNext(); ) {
                var e = it.next();
                String type = typeOf(e.getValue());
                if (type == null) continue;
                String column = column(e.getKey());
                if (RESERVED.contains(column) || column.equals(field)) continue;
                String known = attributes.putIfAbsent(column, e.getKey());
                if (known != null && !known.equals(e.getKey())) continue; // another key folds to the same name
                newTypes.merge(column, type, (a, b) -> a.equals(b) ? a : "text");
            }
            if (++pending >= batchSize) flush();
        }

        /** Writes what is pending; the number of rows the table did not hold yet, over the whole load. */
        long finish() {
            flush();
            return inserted;
        }

        private void flush() {
            if (pending == 0) return;
            try {
                h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "copy ksync_ingest_stage (id, field, record) from stdin with (format csv)",
                        new StringReader(csv.toString()));
            } catch (SQLException e) {
                throw new IllegalStateException("COPY into the staging table failed: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            csv.setLength(0);
            pending = 0;
            addColumns();
            StringBuilder cols = new StringBuilder("id");
            StringBuilder vals = new StringBuilder("s.id");
            if (field != null) {
                cols.append(", ").append(quote(field));
                vals.append(", s.field");
            }
            attributes.forEach((column, attribute) -> {
                cols.append(", ").append(quote(column));
                vals.append(", ").append(extract(attribute, tableTypes.get(column)));
            });
            inserted += h.createUpdate("insert into " + qualified() + " (" + cols + ", record, time) select " + vals
                    + ", s.record, :time from ksync_ingest_stage s on conflict do nothing")
                    .bind("time", uploadTime).execute();
            h.execute("truncate ksync_ingest_stage");
        }

        /** Adds the columns of attributes first seen in this batch (in this transaction: a kill leaves none). */
        private void addColumns() {
            if (tableTypes == null) tableTypes = columns(h);
            for (var e : newTypes.entrySet()) {
                if (!tableTypes.containsKey(e.getKey())) {
                    h.execute("alter table " + qualified() + " add column if not exists " + quote(e.getKey()) + " "
                            + e.getValue());
                    tableTypes.put(e.getKey(), e.getValue());
                }
            }
            newTypes.clear();
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
        if (v.isTextual()) return DATETIME.matcher(v.textValue()).matches() ? "timestamptz" : "text";
        return null;
    }

    /** An attribute key as a column name: lower case, {@code [a-z0-9_]}, at most 63 characters. */
    static String column(String attribute) {
        String c = attribute.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (c.isEmpty() || Character.isDigit(c.charAt(0))) c = "_" + c;
        return c.length() > 63 ? c.substring(0, 63) : c;
    }

    /** The attribute as the column's type; a value of another JSON type is null there (the record keeps it). */
    private static String extract(String attribute, String type) {
        String a = "(s.record->'attributes'->" + literal(attribute) + ")";
        String text = a + " #>> '{}'";
        return switch (type) {
            case "numeric" -> "case when jsonb_typeof(" + a + ") = 'number' then (" + text + ")::numeric end";
            case "boolean" -> "case when jsonb_typeof(" + a + ") = 'boolean' then (" + text + ")::boolean end";
            case "timestamptz" -> "case when jsonb_typeof(" + a + ") = 'string' then ksync_try_timestamptz(" + text + ") end";
            case "text" -> "case when jsonb_typeof(" + a + ") in ('string', 'number', 'boolean') then " + text + " end";
            default -> "null";
        };
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}

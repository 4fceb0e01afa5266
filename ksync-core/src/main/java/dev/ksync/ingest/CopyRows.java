package dev.ksync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.wire.RawResource;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw records as rows of PostgreSQL's COPY text format, a batch at a time: {@code id}, the incremental field, the
 * record's scalar top-level attributes already typed (so PostgreSQL parses each value once, instead of extracting it
 * again from the stored jsonb), the record's JSON and {@code time}. The record's JSON is Klaviyo's own bytes, escaped
 * for COPY on their way into the batch, never built as a tree or serialized again. A batch has one column list: an attribute first seen mid-batch ends the batch, and the next one has it.
 * Confined to one thread.
 */
final class CopyRows {
    /** An attribute column: its name, SQL type, and whether the table lacks it yet (the loader adds it). */
    record Column(String name, String type, boolean added) {}

    /** Rows ready for COPY: the attribute columns they carry (between the field and {@code record}), the bytes. */
    record Batch(List<Column> columns, byte[] bytes, int length, int rows) {}

    private static final Pattern DATETIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(:(\\d{2})(\\.\\d+)?)?(Z|[+-](\\d{2})(:?(\\d{2}))?)?");
    private static final int SKIP = -1;

    private final String field;
    private final long uploadTime;
    private final int batchRows;
    private final Consumer<Batch> sink;
    /** Column → SQL type: the table's columns, then this load's new ones. */
    private final Map<String, String> types;
    /** Attribute key → position in {@link #columns}, or {@link #SKIP} (reserved, the field, or folds onto another). */
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<Column> columns = new ArrayList<>();
    private final Bytes out = new Bytes();
    private JsonNode[] values = new JsonNode[8];
    private int rows;

    /**
     * @param field      the incremental column, null for a full load
     * @param tableTypes column → SQL type as the table has them now
     * @param sink       takes each full batch (it may block: that holds the records' producer back)
     */
    CopyRows(String field, long uploadTime, int batchRows, Map<String, String> tableTypes, Consumer<Batch> sink) {
        this.field = field;
        this.uploadTime = uploadTime;
        this.batchRows = batchRows;
        this.types = new HashMap<>(tableTypes);
        this.sink = sink;
    }

    void add(RawResource record, Instant fieldValue) {
        String id = record.id();
        if (id == null) throw new IllegalStateException("a Klaviyo record without an id");
        Arrays.fill(values, 0, columns.size(), null);
        for (var it = record.scalarAttributes().fields(); it.hasNext(); ) {
            var e = it.next();
            Integer p = positions.get(e.getKey());
            if (p == null) p = place(e.getKey(), e.getValue());
            if (p != SKIP) values[p] = e.getValue();
        }
        out.text(id);
        if (field != null) {
            out.tab();
            if (fieldValue == null) out.nul();
            else out.instant(fieldValue);
        }
        for (int i = 0; i < columns.size(); i++) {
            out.tab();
            String v = values[i] == null ? null : text(values[i], columns.get(i).type());
            if (v == null) out.nul();
            else out.text(v);
        }
        out.tab();
        out.escaped(record.json());
        out.tab();
        out.ascii(Long.toString(uploadTime));
        out.newline();
        if (++rows >= batchRows) flush();
    }

    /** Hands over what is pending. */
    void flush() {
        if (rows == 0) return;
        sink.accept(new Batch(List.copyOf(columns), out.buf, out.len, rows));
        // later batches only add columns the table has by then
        columns.replaceAll(c -> c.added() ? new Column(c.name(), c.type(), false) : c);
        out.reset(Math.max(out.len + out.len / 8, 1024));
        rows = 0;
    }

    /** A key's position, deciding it the first time its value is scalar (a null says nothing of its type yet). */
    private Integer place(String key, JsonNode value) {
        String type = RawTable.typeOf(value);
        if (type == null) return SKIP;
        String column = RawTable.column(key);
        if (RawTable.RESERVED.contains(column) || column.equals(field)
                || columns.stream().anyMatch(c -> c.name().equals(column))) {
            positions.put(key, SKIP); // another key folds to the same name: the first keeps the column
            return SKIP;
        }
        flush(); // the rows so far have their column list; this record and the next carry one more
        String known = types.get(column);
        columns.add(new Column(column, known == null ? type : known, known == null));
        types.putIfAbsent(column, type);
        if (values.length < columns.size()) values = Arrays.copyOf(values, columns.size() * 2);
        positions.put(key, columns.size() - 1);
        return columns.size() - 1;
    }

    /**
     * A value as its column's type, null where its JSON type does not fit (the record keeps it): numbers as
     * PostgreSQL prints a jsonb number, booleans, datetimes PostgreSQL reads as they are, any scalar as text.
     */
    static String text(JsonNode v, String type) {
        return switch (type) {
            case "numeric" -> v.isNumber() ? number(v) : null;
            case "boolean" -> v.isBoolean() ? String.valueOf(v.booleanValue()) : null;
            case "timestamptz" -> v.isTextual() && isDatetime(v.textValue()) ? v.textValue() : null;
            case "text" -> v.isTextual() ? v.textValue() : v.isNumber() ? number(v) : v.isBoolean()
                    ? String.valueOf(v.booleanValue()) : null;
            default -> null;
        };
    }

    private static String number(JsonNode v) {
        String s = v.asText();
        return s.indexOf('E') >= 0 || s.indexOf('e') >= 0 ? new BigDecimal(s).toPlainString() : s;
    }

    /** Klaviyo's datetime forms whose fields are in range (PostgreSQL would refuse the batch otherwise). */
    static boolean isDatetime(String s) {
        Matcher m = DATETIME.matcher(s);
        if (!m.matches()) return false;
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()
                && Integer.parseInt(m.group(4)) <= 23 && Integer.parseInt(m.group(5)) <= 59
                && (m.group(7) == null || Integer.parseInt(m.group(7)) <= 59)
                && (m.group(10) == null || Integer.parseInt(m.group(10)) <= 15)
                && (m.group(12) == null || Integer.parseInt(m.group(12)) <= 59);
    }

    /** A growable byte buffer with COPY text escaping (backslash, newline, carriage return, tab). */
    private static final class Bytes {
        private byte[] buf = new byte[1 << 16];
        private int len;

        void reset(int capacity) {
            buf = new byte[capacity];
            len = 0;
        }

        private void ensure(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        void tab() {
            put((byte) '\t');
        }

        void newline() {
            put((byte) '\n');
        }

        void nul() {
            ensure(2);
            buf[len++] = '\\';
            buf[len++] = 'N';
        }

        /** Text known to be ASCII without characters to escape (numbers, instants). */
        void ascii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
        }

        /** {@code 2024-03-26T17:24:42Z}; whole seconds of years 1 to 9999 without the general formatter. */
        void instant(Instant t) {
            long sec = t.getEpochSecond();
            long day = Math.floorDiv(sec, 86_400);
            int secOfDay = (int) Math.floorMod(sec, 86_400);
            if (t.getNano() != 0 || day < MIN_DAY || day > MAX_DAY) {
                ascii(t.toString());
                return;
            }
            java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
            ensure(20);
            digits(d.getYear(), 4);
            buf[len++] = '-';
            digits(d.getMonthValue(), 2);
            buf[len++] = '-';
            digits(d.getDayOfMonth(), 2);
            buf[len++] = 'T';
            digits(secOfDay / 3600, 2);
            buf[len++] = ':';
            digits(secOfDay / 60 % 60, 2);
            buf[len++] = ':';
            digits(secOfDay % 60, 2);
            buf[len++] = 'Z';
        }

        private static final long MIN_DAY = java.time.LocalDate.of(1, 1, 1).toEpochDay();
        private static final long MAX_DAY = java.time.LocalDate.of(9999, 12, 31).toEpochDay();

        private void digits(int v, int width) {
            for (int i = width - 1; i >= 0; i--) {
                buf[len + i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            len += width;
        }

        void text(String s) {
            escaped(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * UTF-8 bytes with COPY's escapes. Runs between the characters to escape are copied whole: in JSON they are
         * the backslashes of its own escapes and whitespace between tokens, a few a record.
         */
        void escaped(ByteBuffer b) {
            int n = b.remaining();
            ensure(n * 2);
            int from = b.position();
            int end = b.limit();
            for (int i = from; i < end; i++) {
                byte c = b.get(i);
                if (c != '\\' && c != '\n' && c != '\r' && c != '\t') continue;
                b.get(from, buf, len, i - from);
                len += i - from;
                buf[len++] = '\\';
                buf[len++] = switch (c) {
                    case '\n' -> (byte) 'n';
                    case '\r' -> (byte) 'r';
                    case '\t' -> (byte) 't';
                    default -> (byte) '\\';
                };
                from = i + 1;
            }
            b.get(from, buf, len, end - from);
            len += end - from;
        }
    }
}

package dev.ksync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.RawResource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
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
 * Raw records as rows of PostgreSQL's binary COPY format, a batch at a time: {@code id}, the incremental field, the
 * record's scalar top-level attributes already typed (so PostgreSQL parses no value twice, nor extracts it again from
 * the stored jsonb), the record's JSON and {@code time}. The JSON is Klaviyo's own bytes, copied into the batch as
 * they came, less their JSON:API {@code links} unless told to keep them (URLs made from the id: two fifths of an
 * event's bytes, and as much of PostgreSQL's work turning them into jsonb), never built as a tree or serialized
 * again. Binary rather than text: PostgreSQL then has no line to split and unescape and no datetime or number to
 * parse, about a third less of its CPU a row. A batch has one column list: an attribute first seen mid-batch ends the
 * batch, and the next one has it. Confined to one thread.
 */
final class CopyRows {
    /** An attribute column: its name, SQL type, and whether the table lacks it yet (the loader adds it). */
    record Column(String name, String type, boolean added) {}

    /** A whole binary COPY stream: the attribute columns its rows carry (between the field and {@code record}). */
    record Batch(List<Column> columns, byte[] bytes, int length, int rows) {}

    private static final Pattern DATETIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(:(\\d{2})(\\.\\d+)?)?(Z|[+-](\\d{2})(:?(\\d{2}))?)?");
    private static final int SKIP = -1;

    private final String field;
    private final long uploadTime;
    private final int batchRows;
    private final boolean keepLinks;
    private final Consumer<Batch> sink;
    /** Column → SQL type: the table's columns, then this load's new ones. */
    private final Map<String, String> types;
    /** Attribute key → position in {@link #columns}, or {@link #SKIP} (reserved, the field, or folds onto another). */
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<Column> columns = new ArrayList<>();
    private final Binary out = new Binary();
    private JsonNode[] values = new JsonNode[8];
    private int rows;

    /**
     * @param field      the incremental column, null for a full load
     * @param tableTypes column → SQL type as the table has them now
     * @param sink       takes each full batch (it may block: that holds the records' producer back)
     */
    CopyRows(String field, long uploadTime, int batchRows, boolean keepLinks, Map<String, String> tableTypes,
             Consumer<Batch> sink) {
        this.field = field;
        this.uploadTime = uploadTime;
        this.batchRows = batchRows;
        this.keepLinks = keepLinks;
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
        if (rows == 0) out.header();
        out.int16((field == null ? 3 : 4) + columns.size());
        out.text(id);
        if (field != null) out.timestamptz(fieldValue);
        for (int i = 0; i < columns.size(); i++) value(values[i], columns.get(i).type());
        out.jsonb(keepLinks ? record.json() : record.jsonWithoutLinks());
        out.int64(uploadTime);
        if (++rows >= batchRows) flush();
    }

    /** Hands over what is pending. */
    void flush() {
        if (rows == 0) return;
        out.int16(-1); // the stream's trailer
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
     * A value as its column's type, null where its JSON type does not fit (the record keeps it): numbers with the
     * digits Klaviyo sent, booleans, datetimes (no offset: UTC, as Klaviyo means it), any scalar as text.
     */
    private void value(JsonNode v, String type) {
        if (v == null) {
            out.nul();
            return;
        }
        switch (type) {
            case "numeric" -> {
                if (v.isIntegralNumber() && v.canConvertToLong()) out.numeric(v.longValue());
                else out.numeric(v.isNumber() ? v.decimalValue() : null);
            }
            case "boolean" -> {
                if (v.isBoolean()) out.bool(v.booleanValue());
                else out.nul();
            }
            case "timestamptz" -> out.timestamptz(v.isTextual() ? datetime(v.textValue()) : null);
            case "text" -> {
                String t = v.isTextual() ? v.textValue() : v.isNumber() ? numberText(v.decimalValue())
                        : v.isBoolean() ? String.valueOf(v.booleanValue()) : null;
                if (t == null) out.nul();
                else out.text(t);
            }
            default -> out.nul();
        }
    }

    /** A number as PostgreSQL prints a jsonb number: plain digits, unless that would take thousands of them. */
    private static String numberText(BigDecimal d) {
        return Math.abs((long) d.precision() - d.scale()) > 1_000 || d.scale() > 1_000 ? d.toString() : d.toPlainString();
    }

    /** A datetime value as an instant, null when it is none of Klaviyo's forms or a field is out of range. */
    private static Instant datetime(String s) {
        if (!isDatetime(s)) return null;
        try {
            return KlaviyoTime.parse(s);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * Klaviyo's datetime forms whose fields are in range: what makes an attribute a timestamptz column, and a value
     * PostgreSQL reads from the stored record the same way.
     */
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

    /** A growable buffer of binary COPY: the stream header, then per field its length (-1: null) and bytes. */
    private static final class Binary {
        private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
        /** PostgreSQL's epoch for timestamps, 2000-01-01T00:00:00Z, in Unix seconds. */
        private static final long PG_EPOCH = 946_684_800L;
        private static final int NUMERIC_POSITIVE = 0x0000;
        private static final int NUMERIC_NEGATIVE = 0x4000;
        private static final BigInteger GROUP = BigInteger.valueOf(10_000);

        private byte[] buf = new byte[1 << 16];
        private int len;

        void reset(int capacity) {
            buf = new byte[capacity];
            len = 0;
        }

        void header() {
            ensure(SIGNATURE.length + 8);
            System.arraycopy(SIGNATURE, 0, buf, len, SIGNATURE.length);
            len += SIGNATURE.length;
            int32(0); // flags: no OIDs
            int32(0); // no header extension
        }

        private void ensure(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        void int16(int v) {
            ensure(2);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void int32(int v) {
            ensure(4);
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        private void rawInt64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        void nul() {
            int32(-1);
        }

        void int64(long v) {
            int32(8);
            rawInt64(v);
        }

        void bool(boolean v) {
            int32(1);
            ensure(1);
            buf[len++] = (byte) (v ? 1 : 0);
        }

        void text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int32(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        /** jsonb's binary form: version 1, then the JSON text. */
        void jsonb(ByteBuffer json) {
            int n = json.remaining();
            int32(n + 1);
            ensure(n + 1);
            buf[len++] = 1;
            json.get(json.position(), buf, len, n);
            len += n;
        }

        /**
         * Microseconds since PostgreSQL's epoch; the fraction of a second rounded as PostgreSQL rounds one it reads
         * ({@code rint} of the fraction as a double times a million).
         */
        void timestamptz(Instant t) {
            if (t == null) {
                nul();
                return;
            }
            int32(8);
            rawInt64((t.getEpochSecond() - PG_EPOCH) * 1_000_000L + (long) Math.rint(t.getNano() / 1e9 * 1e6));
        }

        /** A whole number in numeric's binary form, without BigDecimal (an event's timestamp, a count). */
        void numeric(long v) {
            if (v == Long.MIN_VALUE) {
                numeric(BigDecimal.valueOf(v));
                return;
            }
            long abs = Math.abs(v);
            short[] groups = new short[5]; // least significant first; a long has at most 19 digits
            int n = 0;
            while (abs > 0) {
                groups[n++] = (short) (abs % 10_000);
                abs /= 10_000;
            }
            int low = 0;
            while (low < n && groups[low] == 0) low++; // trailing zero groups are implied
            int32(8 + 2 * (n - low));
            int16(n - low);
            int16(n == 0 ? 0 : n - 1);
            int16(v < 0 ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE);
            int16(0);
            for (int i = n - 1; i >= low; i--) int16(groups[i]);
        }

        /**
         * numeric's binary form: base-10,000 digit groups, the weight of the first, the sign and the display scale
         * (the decimal places as sent). Null for a value past numeric's range (the record still holds it).
         */
        void numeric(BigDecimal d) {
            if (d == null || d.precision() - d.scale() > 131_072 || d.scale() > 16_383) {
                nul();
                return;
            }
            if (d.scale() < 0) d = d.setScale(0);
            int dscale = d.scale();
            // shift the point right to a whole number of groups: value = unscaled × 10,000^-fractionGroups
            int fractionGroups = (dscale + 3) / 4;
            BigInteger unscaled = d.unscaledValue().abs().multiply(BigInteger.TEN.pow(fractionGroups * 4 - dscale));
            int sign = d.signum() < 0 ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE;
            List<Integer> groups = new ArrayList<>(); // least significant first
            while (unscaled.signum() > 0) {
                BigInteger[] qr = unscaled.divideAndRemainder(GROUP);
                groups.add(qr[1].intValue());
                unscaled = qr[0];
            }
            int weight = groups.size() - 1 - fractionGroups;
            int low = 0;
            while (low < groups.size() && groups.get(low) == 0) low++; // trailing zero groups are implied
            int n = groups.size() - low;
            int32(8 + 2 * n);
            int16(n);
            int16(n == 0 ? 0 : weight);
            int16(n == 0 ? NUMERIC_POSITIVE : sign);
            int16(dscale);
            for (int i = groups.size() - 1; i >= low; i--) int16(groups.get(i));
        }
    }
}

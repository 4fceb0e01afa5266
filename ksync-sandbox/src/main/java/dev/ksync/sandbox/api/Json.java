package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** JSON helpers shared by the renderers: Klaviyo's datetime format and small builders. */
public final class Json {
    private Json() {}

    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private static final DateTimeFormatter KLAVIYO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    public static ObjectMapper newMapper() {
        ObjectMapper m = new ObjectMapper();
        m.setNodeFactory(NODES);
        m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return m;
    }

    /** Seconds of 10000-01-01T00:00:00Z: up to there the year has four digits. */
    private static final long YEAR_10000 = 253_402_300_800L;

    /** Klaviyo's datetime form, e.g. 2024-03-26T17:24:42+00:00; null stays null. */
    public static String time(Instant t) {
        if (t == null) return null;
        long s = t.getEpochSecond();
        // every event and page renders times: digits by hand, the formatter only outside 1970-9999
        if (s < 0 || s >= YEAR_10000) return KLAVIYO_TIME.format(t);
        LocalDate d = LocalDate.ofEpochDay(s / 86_400);
        int sec = (int) (s % 86_400);
        byte[] b = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', '+', '0', '0', ':', '0', '0'};
        int y = d.getYear();
        b[0] += (byte) (y / 1000);
        b[1] += (byte) (y / 100 % 10);
        b[2] += (byte) (y / 10 % 10);
        b[3] += (byte) (y % 10);
        two(b, 5, d.getMonthValue());
        two(b, 8, d.getDayOfMonth());
        two(b, 11, sec / 3600);
        two(b, 14, sec / 60 % 60);
        two(b, 17, sec % 60);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static void two(byte[] b, int at, int v) {
        b[at] += (byte) (v / 10);
        b[at + 1] += (byte) (v % 10);
    }

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    /** A metric-aggregates bucket start in its own zone's offset, e.g. 2026-08-28T00:00:00-04:00. */
    public static String time(ZonedDateTime t) {
        return LOCAL_TIME.format(t);
    }

    private static final DateTimeFormatter LOCAL_LABELLED_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'");

    /**
     * A series report's bucket start as Klaviyo writes it: the account-local date-time labelled {@code +00:00}, not
     * the true instant (a Europe/Copenhagen account's recorded query_flow_series answers "2026-08-28T00:00:00+00:00"
     * for its local midnight), e.g. 2026-08-28T00:00:00+00:00 for New York's midnight of that day.
     */
    public static String localLabelledUtc(ZonedDateTime t) {
        return LOCAL_LABELLED_UTC.format(t.toLocalDateTime());
    }

    public static ObjectNode obj() { return NODES.objectNode(); }

    public static ArrayNode arr() { return NODES.arrayNode(); }

    public static ArrayNode strings(List<String> items) {
        ArrayNode a = arr();
        for (String s : items) a.add(s);
        return a;
    }

    public static ObjectNode ref(String type, String id) {
        ObjectNode o = obj();
        o.put("type", type);
        o.put("id", id);
        return o;
    }

    /** Reads the values at a dotted path under {@code node}, flattening arrays on the way. */
    public static void collect(JsonNode node, String[] path, int i, List<JsonNode> out) {
        if (node == null || node.isNull() || node.isMissingNode()) return;
        if (node.isArray()) {
            for (JsonNode n : node) collect(n, path, i, out);
            return;
        }
        if (i == path.length) {
            out.add(node);
            return;
        }
        collect(node.get(path[i]), path, i + 1, out);
    }
}

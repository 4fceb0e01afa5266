package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.Instant;

/**
 * A report timeframe: a named key ({@code last_30_days}) or a custom range (Klaviyo reads its wall clock, sent in
 * UTC, in the account timezone). How long it may be is checked with the interval by {@link ReportRequest}.
 */
public record Timeframe(String key, Instant start, Instant end) {
    public Timeframe {
        if ((key == null) == (start == null || end == null)) {
            throw new IllegalArgumentException("a timeframe is either a key or a start and end");
        }
        if (start != null && !end.isAfter(start)) throw new IllegalArgumentException("timeframe end must be after its start");
    }

    public static Timeframe key(String key) { return new Timeframe(key, null, null); }

    public static Timeframe between(Instant start, Instant end) { return new Timeframe(null, start, end); }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (key != null) n.put("key", key);
        else n.put("start", KlaviyoTime.format(start)).put("end", KlaviyoTime.format(end));
        return n;
    }
}

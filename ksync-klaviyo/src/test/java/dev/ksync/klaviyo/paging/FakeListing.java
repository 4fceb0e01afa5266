package dev.ksync.klaviyo.paging;

import dev.ksync.klaviyo.StubTransport;
import dev.ksync.klaviyo.http.HttpAnswer;
import dev.ksync.klaviyo.http.HttpCall;
import dev.ksync.klaviyo.http.Urls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny Klaviyo-like listing of events or profiles with one timestamp each: understands the
 * datetime/created range filters, sort by that field, page[size] and an offset cursor, and writes
 * Klaviyo's unescaped {@code [ ]} into its links.next.
 */
final class FakeListing implements StubTransport.Step {
    private final String type;
    private final String field;
    private final List<Instant> times;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    FakeListing(String type, String field, List<Instant> times) {
        this.type = type;
        this.field = field;
        this.times = times.stream().sorted().toList();
    }

    private static final Pattern F = Pattern.compile("(greater-or-equal|greater-than|less-than)\\((\\w+),([^)]+)\\)");

    @Override
    public HttpAnswer answer(HttpCall call) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(2); // lets parallel slices overlap
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Map<String, String> q = Urls.queryOf(call.uri());
            List<Integer> match = new ArrayList<>();
            for (int i = 0; i < times.size(); i++) if (matches(times.get(i), q.getOrDefault("filter", ""))) match.add(i);
            if (q.getOrDefault("sort", "").startsWith("-")) java.util.Collections.reverse(match);
            int size = Integer.parseInt(q.getOrDefault("page[size]", "10"));
            int offset = Integer.parseInt(q.getOrDefault("page[cursor]", "0"));
            StringBuilder data = new StringBuilder();
            for (int j = offset; j < Math.min(match.size(), offset + size); j++) {
                int i = match.get(j);
                if (data.length() > 0) data.append(',');
                data.append("{\"type\":\"").append(type).append("\",\"id\":\"r").append(i)
                        .append("\",\"attributes\":{\"").append(field).append("\":\"").append(times.get(i)).append("\"}}");
            }
            String next = "null";
            if (offset + size < match.size()) {
                StringBuilder link = new StringBuilder("\"http://fake/api/x?");
                q.forEach((k, v) -> { if (!k.equals("page[cursor]")) link.append(k).append('=').append(Urls.encode(v)).append('&'); });
                next = link.append("page[cursor]=").append(offset + size).append('"').toString();
            }
            return StubTransport.json(200, "{\"data\":[" + data + "],\"links\":{\"next\":" + next + "}}");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private boolean matches(Instant t, String filter) {
        Matcher m = F.matcher(filter);
        while (m.find()) {
            if (!m.group(2).equals(field)) continue;
            Instant b = Instant.parse(m.group(3));
            boolean ok = switch (m.group(1)) {
                case "greater-or-equal" -> !t.isBefore(b);
                case "greater-than" -> t.isAfter(b);
                default -> t.isBefore(b);
            };
            if (!ok) return false;
        }
        return true;
    }
}

package dev.ksync.sandbox.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.data.DayEvents;
import dev.ksync.sandbox.data.Event;
import dev.ksync.sandbox.data.EventLog;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.QueryParams;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** GET /api/events over the per-day event log; cursors are "e:<day>:<position>" of the next event. */
final class EventPages {
    private static final String CURSOR = "page[cursor]";
    private final SandboxData data;
    private final Resources resources;
    private final Links links;

    EventPages(SandboxData data, Resources resources, Links links) {
        this.data = data;
        this.resources = resources;
        this.links = links;
    }

    private String self(ApiRequest r) { return Documents.self(links, r); }


    /** The page as a document of nodes (the tree path: every query, and the reference for {@link #answer}). */
    ObjectNode page(Endpoint e, ApiRequest r) {
        QueryParams q = QueryParams.parse(e, "event", r.query());
        Page p = scan(q);
        Set<String> inc = Set.copyOf(q.include());
        List<ObjectNode> page = new ArrayList<>(p.events().size());
        for (Event ev : p.events()) page.add(resources.event(ev, inc));
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(x -> Documents.sparse(x, q));
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), nextUrl(r, p));
    }

    /**
     * The page's body, byte for byte what {@link #page} serializes: events are written straight to the generator
     * (no nodes per event); included resources stay nodes. Sparse fields it cannot cut exactly take the tree path.
     */
    byte[] answer(Endpoint e, ApiRequest r, ObjectMapper mapper) throws IOException {
        QueryParams q = QueryParams.parse(e, "event", r.query());
        Set<String> wanted = q.fields().get("event");
        if (!EventJson.writesSparse(wanted)) return mapper.writeValueAsBytes(page(e, r));
        Page p = scan(q);
        Set<String> inc = Set.copyOf(q.include());
        List<ObjectNode> included = Documents.included(p.events(), q.include(), EventJson::related, resources, q);
        EventJson events = resources.events();
        ByteArrayBuilder out = new ByteArrayBuilder(64 * 1024);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            Documents.writeCollection(g, p.events(), (gen, ev) -> events.write(gen, ev, inc, wanted), included,
                    !q.include().isEmpty(), self(r), nextUrl(r, p));
        }
        return out.toByteArray();
    }

    private String nextUrl(ApiRequest r, Page p) {
        return p.next() == null ? null : Documents.url(links.base(), r.path(), r.query(), CURSOR, p.next());
    }

    /** A page's events in order, and the encoded cursor of the next page (null on the last). */
    private record Page(List<Event> events, String next) {}

    private Page scan(QueryParams q) {
        EventLog log = data.events();
        long from = Long.MIN_VALUE, to = Long.MAX_VALUE; // [from, to) in epoch seconds
        Integer metric = null;
        int profile = -2;
        for (Condition c : q.filters()) {
            switch (c.field()) {
                case "metric_id" -> {
                    Integer m = null;
                    for (Object v : c.values()) m = log.metricIndexOf(String.valueOf(v));
                    metric = m == null ? -1 : m;
                }
                case "profile_id" -> profile = data.profiles().indexOf(String.valueOf(c.value()));
                case "datetime", "timestamp" -> {
                    long s = c.value() instanceof Instant t ? t.getEpochSecond() : ((BigDecimal) c.value()).longValue();
                    long sCeil = c.value() instanceof Instant t && t.getNano() > 0 ? s + 1 : s;
                    switch (c.operator()) {
                        case "greater-than" -> from = Math.max(from, (c.value() instanceof Instant t && t.getNano() > 0) ? sCeil : s + 1);
                        case "greater-or-equal" -> from = Math.max(from, sCeil);
                        case "less-than" -> to = Math.min(to, sCeil);
                        case "less-or-equal" -> to = Math.min(to, s + 1);
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        boolean desc = q.sortDescending();
        int days = log.days();
        int d0 = from == Long.MIN_VALUE ? 0 : log.firstDayFrom(from);
        int d1 = to == Long.MAX_VALUE ? days - 1 : Math.min(days - 1, log.firstDayFrom(to - 1));
        int day, pos;
        if (q.cursor() != null) {
            String c = Cursors.decode(q.cursor(), CURSOR);
            String[] parts = c.split(":");
            try {
                if (parts.length != 3 || !parts[0].equals("e")) throw new NumberFormatException();
                day = Integer.parseInt(parts[1]);
                pos = Integer.parseInt(parts[2]);
            } catch (NumberFormatException ex) {
                throw ApiException.invalidParameter(CURSOR, "Invalid page cursor. Pass the value from links.next unchanged.");
            }
        } else {
            day = desc ? d1 : d0;
            pos = desc ? Integer.MAX_VALUE : 0;
        }
        List<Event> page = new ArrayList<>();
        String next = null;
        boolean noMatch = (metric != null && metric < 0) || profile == -1;
        outer:
        while (!noMatch && (desc ? day >= d0 : day <= d1) && day >= 0 && day < days) {
            DayEvents de = log.day(day);
            int p = desc ? Math.min(pos, de.size - 1) : pos;
            for (; desc ? p >= 0 : p < de.size; p += desc ? -1 : 1) {
                long s = de.epochSecond(p);
                if (s < from || s >= to) continue;
                if (metric != null && de.metricIndex(p) != metric) continue;
                if (profile >= 0 && de.profileIndex(p) != profile) continue;
                if (page.size() == q.pageSize()) {
                    next = Cursors.encode("e:" + day + ":" + p);
                    break outer;
                }
                page.add(log.event(day, p));
            }
            day += desc ? -1 : 1;
            pos = desc ? Integer.MAX_VALUE : 0;
        }
        return new Page(page, next);
    }
}

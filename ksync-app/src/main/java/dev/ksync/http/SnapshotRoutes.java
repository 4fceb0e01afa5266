package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.error.KsyncException;
import dev.ksync.snapshot.Counts;
import dev.ksync.snapshot.SeriesRow;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.snapshot.SnapshotProcessor;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.snapshot.Source;
import dev.ksync.snapshot.Totals;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/snapshots/process} (full, or a patch with start+end), {@code GET /api/snapshots?accountId=} (an
 * account's snapshots, newest first) and {@code GET /api/snapshots/{id}} (with series and totals).
 */
record SnapshotRoutes(Snapshots snapshots, SnapshotProcessor processor, JsonBodies bodies) {
    private static final Set<String> PROCESS_FIELDS = Set.of("snapshotId", "start", "end");

    void register(ApiRoutes routes) {
        routes.post("/api/snapshots/process", Access.ADMIN, this::process);
        routes.get("/api/snapshots", Access.ADMIN, Set.of("accountId"), this::list);
        routes.get("/api/snapshots/{id}", Access.ADMIN, this::show);
    }

    private void process(Context ctx) {
        Fields f = new Fields(bodies.object(ctx, PROCESS_FIELDS));
        if (!f.has("snapshotId")) {
            throw KsyncException.badInput("snapshotId", null, "the id of a snapshot (a positive whole number)");
        }
        long id = f.integer("snapshotId", 1, Integer.MAX_VALUE).orElseThrow();
        Optional<LocalDate> start = f.date("start");
        Optional<LocalDate> end = f.date("end");
        if (start.isPresent() != end.isPresent()) {
            throw KsyncException.badInput(start.isPresent() ? "end" : "start", null,
                    "start and end together (YYYY-MM-DD, inclusive) for a patch, or neither for a full process");
        }
        Snapshot s = start.isPresent() ? processor.patch(id, start.get(), end.get()) : processor.process(id);
        ctx.json(detail(s));
    }

    private void list(Context ctx, QueryParams q) {
        AccountId id = AccountId.of("accountId", q.get("accountId").orElse(null));
        ctx.json(Map.of("snapshots", snapshots.list(id).stream().map(SnapshotRoutes::view).toList()));
    }

    private void show(Context ctx) {
        ctx.json(detail(snapshots.get(id(ctx.pathParam("id")))));
    }

    /** A snapshot id from the path: a positive whole number, else 400 naming {@code id}. */
    static long id(String raw) {
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 1) {
            throw KsyncException.badInput("id", raw.length() > 20 ? raw.substring(0, 20) + "…" : raw,
                    "a snapshot id (a positive whole number)");
        }
        return id;
    }

    private Map<String, Object> detail(Snapshot s) {
        Map<String, Object> m = view(s);
        Map<String, Object> totals = new LinkedHashMap<>();
        for (Totals t : snapshots.totals(s.id())) {
            totals.put(t.source().wireName(), totals(t));
        }
        m.put("totals", totals);
        Map<String, List<Map<String, Object>>> series = new LinkedHashMap<>();
        for (Source src : Source.values()) {
            series.put(src.wireName(), new ArrayList<>());
        }
        for (SeriesRow r : snapshots.series(s.id())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("day", r.day().toString());
            counts(row, r.counts());
            r.newSubscribers().ifPresent(n -> row.put("newSubscribers", n));
            r.subscribersTotal().ifPresent(n -> row.put("subscribersTotal", n));
            series.get(r.source().wireName()).add(row);
        }
        m.put("series", series);
        return m;
    }

    static Map<String, Object> view(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("accountId", s.accountId().value());
        m.put("uploadId", s.uploadId().value());
        m.put("status", s.status().wireName());
        m.put("error", s.error().orElse(null));
        m.put("lastEmailDate", s.lastEmailDate().map(LocalDate::toString).orElse(null));
        m.put("basedOn", s.basedOn().orElse(null));
        m.put("patchStart", s.patchStart().map(LocalDate::toString).orElse(null));
        m.put("patchEnd", s.patchEnd().map(LocalDate::toString).orElse(null));
        m.put("createdAt", s.createdAt().toString());
        m.put("updatedAt", s.updatedAt().toString());
        return m;
    }

    private static Map<String, Object> totals(Totals t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", t.days());
        counts(m, t.counts());
        t.newSubscribers().ifPresent(n -> m.put("newSubscribers", n));
        t.subscribersTotal().ifPresent(n -> m.put("subscribersTotal", n));
        m.put("openRate", t.openRate().orElse(null));
        m.put("clickRate", t.clickRate().orElse(null));
        m.put("placedOrderRate", t.placedOrderRate().orElse(null));
        m.put("revenuePerRecipient", t.revenuePerRecipient().orElse(null));
        m.put("unsubRate", t.unsubRate().orElse(null));
        m.put("complaintRate", t.complaintRate().orElse(null));
        m.put("bounceRate", t.bounceRate().orElse(null));
        return m;
    }

    private static void counts(Map<String, Object> m, Counts c) {
        m.put("delivered", c.delivered());
        m.put("uniqueOpens", c.uniqueOpens());
        m.put("uniqueClicks", c.uniqueClicks());
        m.put("placedOrders", c.placedOrders());
        m.put("revenue", c.revenue());
        m.put("unsubscribes", c.unsubscribes());
        m.put("complaints", c.complaints());
        m.put("bounces", c.bounces());
    }
}

package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.dashboard.Dashboard;
import dev.ksync.dashboard.DashboardView;
import dev.ksync.dashboard.DashboardView.Measures;
import dev.ksync.dashboard.DashboardView.SnapshotInfo;
import dev.ksync.dashboard.DashboardView.SourceTotals;
import dev.ksync.dashboard.DashboardView.Top;
import dev.ksync.snapshot.SnapshotFiles;
import io.javalin.http.Context;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /api/accounts/{accountId}/dashboard?start=&end=} (what the dashboard page draws) and
 * {@code GET /api/snapshots/{id}/files/{name}} (a snapshot's CSVs, streamed from the ingest bucket). Both need the
 * admin secret, like the snapshot routes: they show a brand's revenue and its subscribers.
 */
record DashboardRoutes(Dashboard dashboard, SnapshotFiles files) {

    void register(ApiRoutes routes) {
        routes.page("/", DashboardRoutes::page);
        routes.get("/api/accounts/{accountId}/dashboard", Access.ADMIN, Set.of("start", "end"), this::show);
        routes.get("/api/snapshots/{id}/files/{name}", Access.ADMIN, this::file);
    }

    /** The page itself holds no data (it asks the API with the secret the user types), so it is open. */
    private static void page(Context ctx) {
        InputStream page = DashboardRoutes.class.getResourceAsStream("/web/index.html");
        ctx.contentType("text/html; charset=utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.result(Objects.requireNonNull(page, "web/index.html is missing from the classpath"));
    }

    private void show(Context ctx, QueryParams q) {
        AccountId id = AccountId.of("accountId", ctx.pathParam("accountId"));
        ctx.json(view(dashboard.read(id, q.get("start"), q.get("end"))));
    }

    private void file(Context ctx) {
        long id = SnapshotRoutes.id(ctx.pathParam("id"));
        String name = ctx.pathParam("name");
        InputStream in = files.open(id, name);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"snapshot-" + id + "-" + name + "\"");
        ctx.result(in);
    }

    private static Map<String, Object> view(DashboardView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountId", v.accountId());
        m.put("name", v.name());
        m.put("timezone", v.timezone());
        m.put("currency", v.currency());
        m.put("currencySource", v.currencySource());
        m.put("start", v.start().toString());
        m.put("end", v.end().toString());
        m.put("days", v.series().days().size());
        m.put("backfill", v.backfill());
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("days", v.series().days().stream().map(LocalDate::toString).toList());
        series.put("flows", measures(v.series().flows()));
        series.put("campaigns", measures(v.series().campaigns()));
        series.put("all", measures(v.series().all()));
        series.put("newSubscribers", v.series().newSubscribers());
        series.put("subscribersTotal", v.series().subscribersTotal());
        m.put("series", series);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("flows", totals(v.totals().flows()));
        totals.put("campaigns", totals(v.totals().campaigns()));
        totals.put("all", totals(v.totals().all()));
        totals.put("newSubscribers", v.totals().newSubscribers());
        totals.put("subscribersTotal", v.totals().subscribersTotal());
        m.put("totals", totals);
        m.put("topFlows", top(v.topFlows()));
        m.put("topCampaigns", top(v.topCampaigns()));
        m.put("dataSnapshot", v.dataSnapshot().map(DashboardRoutes::snapshot).orElse(null));
        m.put("latestSnapshot", v.latestSnapshot().map(DashboardRoutes::snapshot).orElse(null));
        m.put("enabled", v.enabled());
        m.put("nextRun", v.nextRun().map(r -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("schedule", r.schedule());
            n.put("at", r.at().toString());
            n.put("cron", r.cron());
            n.put("timezone", "UTC");
            return n;
        }).orElse(null));
        return m;
    }

    /** The five measures every part of the answer names the same way, in the same order. */
    private static Map<String, Object> counts(Map<String, Object> m, Object delivered, Object opens, Object clicks,
                                              Object orders, Object revenue) {
        m.put("delivered", delivered);
        m.put("opens", opens);
        m.put("clicks", clicks);
        m.put("orders", orders);
        m.put("revenue", revenue);
        return m;
    }

    private static Map<String, Object> measures(Measures x) {
        return counts(new LinkedHashMap<>(), x.delivered(), x.opens(), x.clicks(), x.orders(), x.revenue());
    }

    private static Map<String, Object> totals(SourceTotals t) {
        Map<String, Object> m = counts(new LinkedHashMap<>(), t.delivered(), t.opens(), t.clicks(), t.orders(), t.revenue());
        m.put("openRate", t.openRate().orElse(null));
        m.put("clickRate", t.clickRate().orElse(null));
        m.put("orderRate", t.orderRate().orElse(null));
        m.put("revenuePerRecipient", t.revenuePerRecipient().orElse(null));
        return m;
    }

    private static Map<String, Object> top(Top t) {
        return Map.of("source", t.source(), "items", t.items().stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i.id());
            m.put("name", i.name());
            return counts(m, i.delivered(), i.opens(), i.clicks(), i.orders(), i.revenue());
        }).toList());
    }

    private static Map<String, Object> snapshot(SnapshotInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("status", s.status());
        m.put("createdAt", s.createdAt().toString());
        m.put("updatedAt", s.updatedAt().toString());
        m.put("error", s.error().orElse(null));
        m.put("files", s.files().stream().map(f -> Map.of("name", f,
                "url", "/api/snapshots/" + s.id() + "/files/" + f)).toList());
        return m;
    }
}

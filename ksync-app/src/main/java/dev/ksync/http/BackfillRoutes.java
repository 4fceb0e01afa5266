package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.error.KsyncException;
import dev.ksync.request.Days;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The historical backfill (PRODUCT.md §7) with the runbook's paths: start, start-all, cancel, clear, status of one or
 * every account, and the stored data (summary, orders of a day). All need the admin secret: orders carry customers'
 * e-mails, summaries a brand's revenue. Starting calls Klaviyo, so it needs KLAVIYO_ENABLE.
 */
record BackfillRoutes(Backfill backfill, AdminGate gate, JsonBodies bodies) {
    static final Set<String> START_FIELDS = Set.of("years", "include_orders", "test_mode");

    void register(ApiRoutes routes) {
        routes.post("/api/backfill/start/{client_id}", Access.ADMIN, START_FIELDS, this::start);
        routes.post("/api/backfill/start-all", Access.ADMIN, this::startAll);
        routes.post("/api/backfill/cancel/{client_id}", Access.ADMIN, this::cancel);
        routes.post("/api/backfill/clear/{client_id}", Access.ADMIN, this::clear);
        routes.get("/api/backfill/status/{client_id}", Access.ADMIN, this::status);
        routes.get("/api/backfill/status", Access.ADMIN, this::statuses);
        routes.get("/api/backfill/data/{client_id}/summary", Access.ADMIN, this::summary);
        routes.get("/api/backfill/data/{client_id}/orders", Access.ADMIN, Set.of("date", "limit"), this::orders);
    }

    private void start(Context ctx, QueryParams q) {
        AccountId account = account(ctx);
        BackfillParams params = new BackfillParams(q.integer("years", 1, BackfillParams.MAX_YEARS).orElse(1),
                q.bool("include_orders").orElse(true), q.bool("test_mode").orElse(false));
        gate.requireKlaviyoEnabled();
        ctx.status(202).json(backfill.start(account, params));
    }

    private void startAll(Context ctx) {
        Fields f = new Fields(bodies.object(ctx, START_FIELDS));
        BackfillParams params = new BackfillParams(f.integer("years", 1, BackfillParams.MAX_YEARS).orElse(1),
                f.bool("include_orders", true), f.bool("test_mode", false));
        gate.requireKlaviyoEnabled();
        ctx.status(202).json(backfill.startAll(params));
    }

    private void cancel(Context ctx) {
        ctx.json(backfill.cancel(account(ctx)));
    }

    private void clear(Context ctx) {
        AccountId account = account(ctx);
        backfill.clear(account);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client_id", account.value());
        out.put("cleared", true);
        ctx.json(out);
    }

    private void status(Context ctx) {
        ctx.json(backfill.status(account(ctx)));
    }

    private void statuses(Context ctx) {
        ctx.json(Map.of("clients", backfill.statuses()));
    }

    private void summary(Context ctx) {
        ctx.json(backfill.summary(account(ctx)));
    }

    private void orders(Context ctx, QueryParams q) {
        AccountId account = account(ctx);
        String raw = q.get("date").orElseThrow(() -> KsyncException.badInput("date", null, Days.ALLOWED));
        LocalDate day = Days.parse("date", raw);
        ctx.json(backfill.orders(account, day, q.integer("limit", 1, 1000).orElse(100)));
    }

    private static AccountId account(Context ctx) {
        return AccountId.of("client_id", ctx.pathParam("client_id"));
    }
}

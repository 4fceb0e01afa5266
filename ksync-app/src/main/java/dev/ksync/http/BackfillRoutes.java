package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.error.KsyncException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The historical backfill (PRODUCT.md §7) with the runbook's paths: start, start-all, cancel, clear, status of one or
 * every account, and the stored data (summary, orders of a day). All need the admin secret: orders carry customers'
 * e-mails, summaries a brand's revenue. Starting calls Klaviyo, so it needs KLAVIYO_ENABLE.
 */
record BackfillRoutes(Backfill backfill, AdminGate gate, JsonBodies bodies) {
    static final Set<String> START_FIELDS = Set.of("years", "include_orders", "test_mode");

    void register(RoutesConfig routes) {
        routes.post("/api/backfill/start/{client_id}", this::start, Access.ADMIN);
        routes.post("/api/backfill/start-all", this::startAll, Access.ADMIN);
        routes.post("/api/backfill/cancel/{client_id}", this::cancel, Access.ADMIN);
        routes.post("/api/backfill/clear/{client_id}", this::clear, Access.ADMIN);
        routes.get("/api/backfill/status/{client_id}", this::status, Access.ADMIN);
        routes.get("/api/backfill/status", this::statuses, Access.ADMIN);
        routes.get("/api/backfill/data/{client_id}/summary", this::summary, Access.ADMIN);
        routes.get("/api/backfill/data/{client_id}/orders", this::orders, Access.ADMIN);
    }

    private void start(Context ctx) {
        QueryParams q = query(ctx, START_FIELDS);
        AccountId account = account(ctx);
        BackfillParams params = new BackfillParams(integer(q.get("years"), "years", 1, BackfillParams.MAX_YEARS, 1),
                bool(q.get("include_orders"), "include_orders", true), bool(q.get("test_mode"), "test_mode", false));
        gate.requireKlaviyoEnabled();
        ctx.status(202).json(backfill.start(account, params));
    }

    private void startAll(Context ctx) {
        query(ctx, Set.of());
        Fields f = new Fields(bodies.object(ctx, START_FIELDS));
        BackfillParams params = new BackfillParams(f.integer("years", 1, BackfillParams.MAX_YEARS).orElse(1),
                f.bool("include_orders", true), f.bool("test_mode", false));
        gate.requireKlaviyoEnabled();
        ctx.status(202).json(backfill.startAll(params));
    }

    private void cancel(Context ctx) {
        query(ctx, Set.of());
        ctx.json(backfill.cancel(account(ctx)));
    }

    private void clear(Context ctx) {
        query(ctx, Set.of());
        AccountId account = account(ctx);
        backfill.clear(account);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client_id", account.value());
        out.put("cleared", true);
        ctx.json(out);
    }

    private void status(Context ctx) {
        query(ctx, Set.of());
        ctx.json(backfill.status(account(ctx)));
    }

    private void statuses(Context ctx) {
        query(ctx, Set.of());
        ctx.json(Map.of("clients", backfill.statuses()));
    }

    private void summary(Context ctx) {
        query(ctx, Set.of());
        ctx.json(backfill.summary(account(ctx)));
    }

    private void orders(Context ctx) {
        QueryParams q = query(ctx, Set.of("date", "limit"));
        AccountId account = account(ctx);
        String raw = q.get("date").orElseThrow(() -> KsyncException.badInput("date", null, "a day as YYYY-MM-DD"));
        LocalDate day;
        try {
            day = LocalDate.parse(raw);
        } catch (DateTimeParseException e) {
            throw KsyncException.badInput("date", raw, "a day as YYYY-MM-DD");
        }
        ctx.json(backfill.orders(account, day, integer(q.get("limit"), "limit", 1, 1000, 100)));
    }

    private static AccountId account(Context ctx) {
        return AccountId.of("client_id", ctx.pathParam("client_id"));
    }

    /** The query parameters, refusing one the route does not know (a typo would otherwise pass unnoticed). */
    private static QueryParams query(Context ctx, Set<String> allowed) {
        QueryParams q = QueryParams.of(ctx);
        for (String name : q.names()) {
            if (!allowed.contains(name)) {
                throw KsyncException.badInput(name, "(unknown parameter)", allowed.isEmpty() ? "no query parameters"
                        : "the parameters " + new java.util.TreeSet<>(allowed));
            }
        }
        return q;
    }

    private static int integer(Optional<String> raw, String field, int min, int max, int fallback) {
        if (raw.isEmpty()) return fallback;
        try {
            int v = Integer.parseInt(raw.get().strip());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw KsyncException.badInput(field, raw.get(), "a whole number from " + min + " to " + max);
    }

    private static boolean bool(Optional<String> raw, String field, boolean fallback) {
        if (raw.isEmpty()) return fallback;
        return switch (raw.get().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw KsyncException.badInput(field, raw.get(), "true or false");
        };
    }
}

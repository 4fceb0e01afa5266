package dev.ksync.http;

import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.backfill.export.DayRange;
import dev.ksync.backfill.export.OrderExport;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * {@code GET /api/backfill/data/{client_id}/orders.csv?start=&end=} and {@code .../orders.xlsx?start=&end=}: a
 * backfilled account's orders of at most 400 days (both ends included), streamed as a download. Everything is checked
 * before the first byte, so a bad request still gets a JSON error.
 */
record BackfillExportRoutes(OrderExport export, AccountService accounts) {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static final Set<String> DAYS = Set.of("start", "end");

    void register(ApiRoutes routes) {
        routes.get("/api/backfill/data/{client_id}/orders.csv", Access.ADMIN, DAYS,
                (ctx, query) -> download(ctx, query, "csv", "text/csv; charset=utf-8"));
        routes.get("/api/backfill/data/{client_id}/orders.xlsx", Access.ADMIN, DAYS,
                (ctx, query) -> download(ctx, query, "xlsx", XLSX));
    }

    private void download(Context ctx, QueryParams query, String format, String contentType) throws IOException {
        AccountId account = AccountId.of("client_id", ctx.pathParam("client_id"));
        DayRange days = DayRange.parse(query.get("start").orElse(null), query.get("end").orElse(null));
        if (accounts.find(account).isEmpty()) {
            throw AccountService.notRegistered(account, "only a registered account's backfilled orders can be"
                    + " exported");
        }
        ctx.contentType(contentType);
        ctx.header("Content-Disposition", "attachment; filename=\"orders-" + account + "-" + days.start() + "_"
                + days.end() + "." + format + "\"");
        ctx.header("Cache-Control", "no-store"); // customers' e-mails
        try (OutputStream out = ctx.outputStream()) {
            if (format.equals("csv")) {
                export.csv(account, days, out);
            } else {
                export.xlsx(account, days, out);
            }
        }
    }
}

package dev.ksync.http;

import dev.ksync.db.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** Liveness, readiness (the database answers) and Prometheus metrics; probes whose query is not read. */
record OpsRoutes(Database database, PrometheusMeterRegistry metrics) {

    void register(ApiRoutes routes) {
        routes.page("/health", ctx -> ctx.json(Map.of("status", "ok")));
        routes.page("/ready", ctx -> {
            if (database.answers()) {
                ctx.json(Map.of("status", "ready", "database", "ok"));
            } else {
                ErrorMapper.render(ctx, 503, new ApiError(ErrorMapper.DATABASE_UNAVAILABLE,
                        "The database does not answer", Map.of("database", "unreachable")));
            }
        });
        routes.page("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }
}

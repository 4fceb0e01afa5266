package dev.ksync.http;

import dev.ksync.db.Database;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** Liveness, readiness (the database answers) and Prometheus metrics. */
record OpsRoutes(Database database, PrometheusMeterRegistry metrics) {

    void register(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")), Access.OPEN);
        routes.get("/ready", ctx -> {
            if (database.answers()) {
                ctx.json(Map.of("status", "ready", "database", "ok"));
            } else {
                ErrorMapper.render(ctx, 503, new ApiError(ErrorMapper.DATABASE_UNAVAILABLE,
                        "The database does not answer", Map.of("database", "unreachable")));
            }
        }, Access.OPEN);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()),
                Access.OPEN);
    }
}

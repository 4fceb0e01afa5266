package dev.ksync.http;

import dev.ksync.db.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Liveness, readiness (the database answers) and Prometheus metrics; probes whose query is not read. */
record OpsRoutes(Database database, PrometheusMeterRegistry metrics) {
    /**
     * Where scrapes run, one at a time: on a platform thread, which the OS time-slices. A scrape is CPU work that
     * grows with the series; on the handler's virtual thread it holds a carrier (there are as many as cores) until
     * it ends, and a few scrapes at once left no carrier to read new requests, so even /health went unanswered past
     * the idle timeout.
     */
    private static final ExecutorService SCRAPES = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("ksync-metrics-scrape").daemon().factory());

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
        routes.page("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(SCRAPES.submit(() -> metrics.scrape()).get())); // the virtual thread waits without a carrier
    }
}

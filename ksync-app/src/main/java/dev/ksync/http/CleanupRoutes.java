package dev.ksync.http;

import dev.ksync.cleanup.Cleanup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/** {@code POST /api/cleanup {dryRun}}: removes (or lists) what is past KSYNC_RETENTION_DAYS; answers what. */
final class CleanupRoutes {
    private final Cleanup cleanup;
    private final JsonBodies bodies;

    CleanupRoutes(Cleanup cleanup, JsonBodies bodies) {
        this.cleanup = cleanup;
        this.bodies = bodies;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/cleanup", this::run, Access.ADMIN);
    }

    private void run(Context ctx) {
        Fields f = new Fields(bodies.object(ctx, Set.of("dryRun")));
        ctx.json(cleanup.run(f.bool("dryRun", false)));
    }
}

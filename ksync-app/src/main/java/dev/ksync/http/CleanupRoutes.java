package dev.ksync.http;

import dev.ksync.cleanup.Cleanup;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code POST /api/cleanup {dryRun}}: lists (by default, like every mode here) or removes what is past
 * KSYNC_RETENTION_DAYS; answers what. Removing writes storage, so it needs KLAVIYO_ENABLE like every storage write.
 */
record CleanupRoutes(Cleanup cleanup, AdminGate gate, JsonBodies bodies) {

    void register(ApiRoutes routes) {
        routes.post("/api/cleanup", Access.ADMIN, this::run);
    }

    private void run(Context ctx) {
        Fields f = new Fields(bodies.object(ctx, Set.of("dryRun")));
        boolean dryRun = f.bool("dryRun", true);
        if (!dryRun) {
            gate.requireKlaviyoEnabled();
        }
        ctx.json(cleanup.run(dryRun));
    }
}

package dev.ksync.http;

import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Who may call a route, declared where the route is registered. {@link AdminGate#admit} enforces it from the request
 * headers before any handler runs, so no body is read for a caller who is not let in.
 */
enum Access implements RouteRole {
    /** Anyone (health, readiness, metrics). */
    OPEN,
    /** The admin secret in the {@code x-admin-job-secret} header. */
    ADMIN,
    /** The admin secret in the header or as {@code ?token=} (cron-style GET routes). */
    ADMIN_OR_TOKEN(AdminGate.TOKEN),
    /**
     * Open for work that touches neither Klaviyo nor storage; the body says which work it asks for, and the handler
     * requires the secret for gated work. A secret that is sent is still checked from the headers first.
     */
    ADMIN_FOR_GATED_WORK;

    private final Set<String> query;

    Access(String... query) {
        this.query = Set.of(query);
    }

    /** The query parameters the gate reads for this access: every route with it takes them ({@link ApiRoutes}). */
    Set<String> query() {
        return query;
    }
}

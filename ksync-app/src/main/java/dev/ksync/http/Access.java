package dev.ksync.http;

import io.javalin.security.RouteRole;

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
    ADMIN_OR_TOKEN,
    /**
     * Open for work that touches neither Klaviyo nor storage; the body says which work it asks for, and the handler
     * requires the secret for gated work. A secret that is sent is still checked from the headers first.
     */
    ADMIN_FOR_GATED_WORK
}

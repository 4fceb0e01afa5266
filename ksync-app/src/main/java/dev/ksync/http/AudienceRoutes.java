package dev.ksync.http;

import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceSync;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.OutputStream;

/** {@code POST /api/klaviyo/audience-sync}: subscribers.csv as JSON preview, streamed CSV, or a live bucket write. */
final class AudienceRoutes {
    private final AudienceSync audience;
    private final AdminGate gate;
    private final JsonBodies bodies;

    AudienceRoutes(AudienceSync audience, AdminGate gate, JsonBodies bodies) {
        this.audience = audience;
        this.gate = gate;
        this.bodies = bodies;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/klaviyo/audience-sync", this::sync, Access.ADMIN_FOR_GATED_WORK);
    }

    private void sync(Context ctx) throws Exception {
        AudienceRequest req = AudienceRequestParser.parse(bodies.object(ctx, AudienceRequestParser.FIELDS));
        if (req.gated()) {
            gate.requireKlaviyoEnabled();
            gate.requireSecret(ctx);
        }
        if (req.mode() == Mode.LIVE) {
            ctx.json(audience.live(req));
        } else if (req.format() == Format.CSV) {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"subscribers.csv\"");
            try (OutputStream out = ctx.outputStream()) {
                audience.export(req, out);
            }
        } else {
            ctx.json(audience.export(req, OutputStream.nullOutputStream()));
        }
    }
}

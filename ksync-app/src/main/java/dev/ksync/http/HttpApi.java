package dev.ksync.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ksync.app.Ksync;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.util.Map;

/** ksync's HTTP API as an unstarted Javalin: routes are thin doors onto the services held by {@link Ksync}. */
public final class HttpApi {
    private final Ksync ksync;
    private final ObjectMapper mapper;

    public HttpApi(Ksync ksync) {
        this.ksync = ksync;
        this.mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public Javalin create() {
        long maxBody = ksync.config().http().maxBodyBytes();
        AdminGate gate = new AdminGate(ksync.config());
        JsonBodies bodies = new JsonBodies(mapper);
        AccessLog accessLog = new AccessLog(ksync.metrics());
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = maxBody;
            c.jsonMapper(new JavalinJackson(mapper, false));
            c.requestLogger.http(accessLog::log);
            // Refuse an announced oversized body before reading a byte of it.
            c.routes.before(ctx -> {
                long length = ctx.req().getContentLengthLong();
                if (length > maxBody) {
                    throw new KsyncException(ErrorKind.TOO_LARGE, "body_too_large",
                            "The request body has " + length + " bytes; the limit is " + maxBody
                                    + " (KSYNC_MAX_BODY_BYTES)", Map.of("bytes", length, "limit", maxBody));
                }
            });
            ErrorMapper.register(c.routes);
            new OpsRoutes(ksync.database(), ksync.metrics()).register(c.routes);
            new AccountRoutes(ksync.accounts(), gate, bodies).register(c.routes);
            new AudienceRoutes(ksync.audience(), gate, bodies).register(c.routes);
        });
    }
}

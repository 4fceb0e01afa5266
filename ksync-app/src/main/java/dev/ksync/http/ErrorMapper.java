package dev.ksync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.KlaviyoException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers. Every answer is {@link ApiError} JSON; unexpected exceptions become a
 * 500 that carries an incident id (also logged with the stack trace) and no internals.
 */
final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    static void register(RoutesConfig routes) {
        routes.exception(KsyncException.class, (e, ctx) -> {
            if (e.kind() == ErrorKind.INTERNAL) {
                log.error("{} {} failed: {}", ctx.method(), AccessLog.redactedPath(ctx), e.getMessage(), e);
            }
            render(ctx, e.kind().httpStatus(), new ApiError(e.code(), e.getMessage(), e.details()));
        });
        routes.exception(KlaviyoException.class, (e, ctx) -> {
            KsyncException k = UpstreamErrors.from(e);
            render(ctx, k.kind().httpStatus(), new ApiError(k.code(), k.getMessage(), k.details()));
        });
        routes.exception(JsonProcessingException.class, (e, ctx) -> render(ctx, 400, malformedJson(e)));
        routes.exception(HttpResponseException.class, (e, ctx) -> render(ctx, e.getStatus(), fromJavalin(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            String incident = UUID.randomUUID().toString();
            log.error("Unexpected failure (incident {}) on {} {}", incident, ctx.method(), AccessLog.redactedPath(ctx), e);
            render(ctx, 500, new ApiError("internal_error",
                    "Something went wrong on our side; the server log has the details under this incident id",
                    Map.of("incident", incident)));
        });
        // Answers Javalin produces itself (unknown route, wrong method) get the same JSON shape.
        routes.error(404, "*", ctx -> {
            if (!ctx.result().isEmpty() && isJson(ctx)) {
                return;
            }
            render(ctx, 404, new ApiError("not_found", "No route " + ctx.method() + " " + ctx.path(),
                    Map.of("method", ctx.method().name(), "path", ctx.path())));
        });
        routes.error(405, "*", ctx -> render(ctx, 405, new ApiError("method_not_allowed",
                ctx.method() + " is not allowed on " + ctx.path(), Map.of("path", ctx.path()))));
    }

    static ApiError malformedJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ApiError("malformed_json", "The request body is not valid JSON" + where + ": " + e.getOriginalMessage(),
                e.getLocation() == null ? Map.of()
                        : Map.of("line", e.getLocation().getLineNr(), "column", e.getLocation().getColumnNr()));
    }

    private static ApiError fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 413 -> new ApiError("body_too_large", "The request body is larger than the server accepts"
                    + " (KSYNC_MAX_BODY_BYTES)", Map.of());
            case 404 -> new ApiError("not_found", e.getMessage(), Map.of());
            case 400 -> new ApiError("bad_request", e.getMessage(), Map.of());
            default -> new ApiError("http_" + e.getStatus(), e.getMessage(), Map.of());
        };
    }

    private static boolean isJson(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith("application/json");
    }

    static void render(Context ctx, int status, ApiError error) {
        ctx.status(status).json(error);
    }
}

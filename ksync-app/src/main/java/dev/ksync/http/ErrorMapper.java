package dev.ksync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.ksync.db.Database;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.CallInterrupted;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.report.ReportRefused;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers. Every answer is {@link ApiError} JSON, whoever produced the failure
 * (our services, Javalin, or Jetty through {@link JsonErrorHandler}); unexpected exceptions become a 500 that carries
 * an incident id (also logged with the stack trace) and no internals. Messages speak of the request, never echo
 * input that could not be parsed, and never name our libraries.
 */
final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);
    static final String DATABASE_UNAVAILABLE = Database.UNAVAILABLE;

    private ErrorMapper() {}

    static void register(RoutesConfig routes, Clock clock) {
        routes.exception(KsyncException.class, (e, ctx) -> {
            // ksync's own database_unavailable (no driver message in it) is answered with its words and details
            if (Database.unavailable(e) && !DATABASE_UNAVAILABLE.equals(e.code())) {
                renderDatabaseUnavailable(ctx, e);
                return;
            }
            render(ctx, e, clock);
        });
        routes.exception(KlaviyoException.class, (e, ctx) -> render(ctx, UpstreamErrors.from(e), clock));
        routes.exception(ReportRefused.class, (e, ctx) -> render(ctx, UpstreamErrors.translate(e).orElseThrow(), clock));
        // the drain of a stopping server ran out while this request still waited on Klaviyo
        routes.exception(CallInterrupted.class, (e, ctx) -> render(ctx, 503, new ApiError("shutting_down",
                "The server stopped this request's work because it is shutting down; send the request again",
                Map.of())));
        routes.exception(JsonProcessingException.class, (e, ctx) -> render(ctx, 400, malformedJson(e)));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 405) {
                List<String> allowed = allowed(e.getDetails());
                ctx.header("Allow", String.join(", ", allowed));
                render(ctx, 405, new ApiError("method_not_allowed", "This route answers only "
                        + String.join(", ", allowed) + " (see the Allow header)", Map.of("allowed", allowed)));
                return;
            }
            render(ctx, e.getStatus(), forStatus(e.getStatus()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            if (Database.unavailable(e)) {
                renderDatabaseUnavailable(ctx, e);
                return;
            }
            String incident = UUID.randomUUID().toString();
            log.error("Unexpected failure (incident {}) on {} {}", incident, ctx.method(), AccessLog.redactedPath(ctx), e);
            render(ctx, 500, new ApiError("internal_error",
                    "Something went wrong on our side; the server log has the details under this incident id",
                    Map.of("incident", incident)));
        });
        // Answers Javalin produces itself (unknown route) get the same JSON shape.
        routes.error(404, "*", ctx -> {
            if (!ctx.result().isEmpty() && isJson(ctx)) {
                return;
            }
            render(ctx, 404, new ApiError("not_found", "No route " + ctx.method() + " " + ctx.path(),
                    Map.of("method", ctx.method().name(), "path", ctx.path())));
        });
        // The last word: any error status that still has no JSON body (e.g. set by Javalin on a client abort) gets one.
        routes.after(ctx -> {
            if (ctx.statusCode() >= 400 && !isJson(ctx)) {
                render(ctx, ctx.statusCode(), forStatus(ctx.statusCode()));
            }
        });
    }

    /**
     * The answer for an error status raised by the web server rather than by ksync: a fixed text per status, so
     * nothing of the request (which may not even have parsed) is echoed.
     */
    static ApiError forStatus(int status) {
        return switch (status) {
            case 400 -> new ApiError("bad_request", "The request is not valid HTTP (request line, headers, or"
                    + " chunked body encoding)", Map.of());
            case 404 -> new ApiError("not_found", "No such route", Map.of());
            case 405 -> new ApiError("method_not_allowed", "This route does not answer that method; the Allow"
                    + " header lists the ones it does", Map.of());
            case 408 -> new ApiError("request_timeout", "The request did not arrive in time", Map.of());
            case 411 -> new ApiError("length_required", "The request needs a Content-Length", Map.of());
            case 413 -> new ApiError("body_too_large", "The request body is larger than the server accepts"
                    + " (KSYNC_MAX_BODY_BYTES)", Map.of());
            case 414 -> new ApiError("uri_too_long", "The request URI is too long", Map.of());
            case 415 -> new ApiError("unsupported_media_type", "The request body's content type is not supported;"
                    + " send application/json in UTF-8", Map.of());
            case 417 -> new ApiError("expectation_failed", "The Expect header is not supported (only"
                    + " 100-continue is)", Map.of());
            case 426 -> new ApiError("upgrade_required", "The request asks for a protocol upgrade the server does"
                    + " not offer; use HTTP/1.1", Map.of());
            case 431 -> new ApiError("headers_too_large", "The request headers are too large", Map.of());
            case 499 -> new ApiError("client_closed_request", "The client closed the connection before the answer"
                    + " was sent", Map.of());
            case 501 -> new ApiError("not_implemented", "The server does not support this request", Map.of());
            case 503 -> new ApiError("unavailable", "The server cannot answer right now; try again shortly", Map.of());
            case 505 -> new ApiError("http_version_not_supported", "The HTTP version is not supported; use HTTP/1.1",
                    Map.of());
            default -> status >= 500
                    ? new ApiError("internal_error", "Something went wrong on our side", Map.of())
                    : new ApiError("http_" + status, "The request was refused (HTTP " + status + ")", Map.of());
        };
    }

    /**
     * A body that is not JSON: where (line, column) and what kind of problem, in words about the request. Never the
     * parser's own message, which quotes the unparsed token (a secret, say) and names library classes.
     */
    static ApiError malformedJson(JsonProcessingException e) {
        String problem = e instanceof StreamConstraintsException ? exceededLimit(e.getOriginalMessage())
                : parseProblem(e.getOriginalMessage());
        Map<String, Object> details = new LinkedHashMap<>();
        String where = location(e, details);
        details.put("problem", problem);
        return new ApiError("malformed_json", "The request body is not valid JSON" + where + ": " + problem, details);
    }

    /** " at line L, column C" where the parser stopped (also put in {@code details}), or "" when it cannot tell. */
    static String location(JsonProcessingException e, Map<String, Object> details) {
        if (e.getLocation() == null || e.getLocation().getLineNr() <= 0) {
            return "";
        }
        details.put("line", e.getLocation().getLineNr());
        details.put("column", e.getLocation().getColumnNr());
        return " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static String exceededLimit(String message) {
        StreamReadConstraints limits = StreamReadConstraints.defaults();
        String m = message == null ? "" : message;
        if (m.startsWith("Document nesting depth")) {
            return "nesting too deep (at most " + limits.getMaxNestingDepth() + " levels of arrays and objects)";
        }
        if (m.startsWith("Number value length") || m.startsWith("BigDecimal scale")) {
            return "number too large (at most " + limits.getMaxNumberLength() + " digits)";
        }
        if (m.startsWith("String value length")) {
            return "string too long (at most " + limits.getMaxStringLength() + " characters)";
        }
        if (m.startsWith("Name length")) {
            return "field name too long (at most " + limits.getMaxNameLength() + " characters)";
        }
        return "the document is too large";
    }

    /** Jackson's message starts with a fixed phrase; map it to ours and drop the rest (which quotes the input). */
    private static String parseProblem(String message) {
        String m = message == null ? "" : message;
        List<Map.Entry<String, String>> known = List.of(
                Map.entry("Unexpected end-of-input", "the body ends before the JSON value is complete"),
                Map.entry("Unrecognized token", "a value that is not JSON (text needs double quotes; the literals"
                        + " are true, false and null)"),
                Map.entry("Illegal unquoted character", "a control character inside a string must be escaped"),
                Map.entry("Unrecognized character escape", "an invalid escape sequence inside a string"),
                Map.entry("Illegal character", "an unexpected control character"),
                Map.entry("Unexpected close marker", "a closing bracket that does not match the opening one"),
                Map.entry("Invalid UTF-", "bytes that are not valid text in the declared charset"),
                Map.entry("Invalid numeric value", "a malformed number"),
                Map.entry("Invalid leading zeroes", "a number with leading zeroes"),
                Map.entry("Leading zeroes", "a number with leading zeroes"),
                Map.entry("Non-standard token", "a number JSON does not allow (NaN or Infinity)"),
                Map.entry("Trailing token", "more content after the JSON value"),
                Map.entry("Unexpected character", "an unexpected character"));
        return known.stream().filter(k -> m.startsWith(k.getKey())).map(Map.Entry::getValue).findFirst()
                .orElse("the body is not well-formed JSON");
    }

    private static void renderDatabaseUnavailable(Context ctx, Throwable e) {
        // The driver's message may name hosts or users; the class and SQLState are enough to tell what happened.
        log.warn("Database unavailable on {} {}: {}", ctx.method(), AccessLog.redactedPath(ctx), sqlState(e));
        render(ctx, 503, new ApiError(DATABASE_UNAVAILABLE,
                "The database does not answer right now; try again shortly (GET /ready says when it is back)",
                Map.of()));
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return t.getClass().getSimpleName() + " SQLState " + s.getSQLState();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** The route's methods, from the details Javalin attaches to its 405 (key depends on the Accept header). */
    private static List<String> allowed(Map<String, String> details) {
        return details.values().stream().findFirst()
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(m -> !m.isEmpty()).sorted().toList())
                .orElse(List.of());
    }

    private static boolean isJson(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith("application/json");
    }

    /** The HTTP status of each kind of failure: decided here and nowhere else. */
    static int status(ErrorKind kind) {
        return switch (kind) {
            case BAD_INPUT -> 400;
            case UNAUTHORIZED -> 401;
            case NOT_FOUND -> 404;
            case REQUEST_TIMEOUT -> 408;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNPROCESSABLE -> 422;
            case RATE_LIMITED -> 429;
            case INTERNAL -> 500;
            case DISABLED -> 501;
            case UPSTREAM -> 502;
            case UNAVAILABLE -> 503;
            case DEADLINE -> 504;
        };
    }

    private static void render(Context ctx, KsyncException e, Clock clock) {
        if (e.kind() == ErrorKind.INTERNAL) {
            log.error("{} {} failed: {}", ctx.method(), AccessLog.redactedPath(ctx), e.getMessage(), e);
        }
        // A known time of recovery (a quota's reset, Klaviyo's Retry-After) is told the standard way too.
        e.retryAt().ifPresent(at -> ctx.header("Retry-After",
                Long.toString(Math.max(0, Duration.between(clock.instant(), at).toSeconds() + 1))));
        render(ctx, status(e.kind()), new ApiError(e.code(), e.getMessage(), e.details()));
    }

    static void render(Context ctx, int status, ApiError error) {
        ctx.status(status).json(error);
    }
}

package dev.ksync.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path (secrets redacted), status, duration; and the same as a Micrometer timer by
 * method, {@link #route} and status.
 */
final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("ksync.access");
    /** Query parameters that may carry a secret; their values never reach a log line. */
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)(^|&)(token|secret|key|api_key|apikey|klaviyoApiKey|password)=[^&]*");

    private final MeterRegistry metrics;

    AccessLog(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    void log(Context ctx, Float ms) {
        int status = ctx.statusCode();
        log.info("{} {} {} {}ms", JsonBodies.printable(ctx.req().getMethod(), 20), redactedPath(ctx), status,
                Math.round(ms));
        Timer.builder("ksync.http.requests")
                .tag("method", ctx.method().isHttpMethod() && ctx.method().name().length() <= 10
                        ? ctx.method().name() : "other")
                .tag("route", route(ctx))
                .tag("status", Integer.toString(status))
                .register(metrics)
                .record((long) (ms * 1000), TimeUnit.MICROSECONDS);
    }

    /**
     * The route a request matched as it was registered ({@code /api/backfill/status/{client_id}}), never the raw
     * path, so the label has as many values as there are routes: {@code static} for a file or webjar (the only
     * answers below 400 without a route), {@code unmatched} for the rest (no route: 404, 405).
     */
    private static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        if (matched != null) {
            return matched.path;
        }
        return ctx.statusCode() < 400 ? "static" : "unmatched";
    }

    /** The path and query as logged: secret parameters masked, control characters escaped, length capped. */
    static String redactedPath(Context ctx) {
        String q = ctx.queryString();
        String full = q == null || q.isEmpty() ? ctx.path() : ctx.path() + "?" + redactQuery(q);
        return JsonBodies.printable(full, 2048);
    }

    static String redactQuery(String query) {
        return SECRET_PARAM.matcher(query).replaceAll("$1$2=***");
    }
}

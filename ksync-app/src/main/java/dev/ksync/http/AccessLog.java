package dev.ksync.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
    /**
     * Words in a query parameter's name (decoded, lower case, letters and digits only) that say its value may be a
     * secret: {@code token}, {@code x-admin-job-secret}, {@code klaviyo_api_key}, {@code private_key}, …
     */
    private static final Pattern SECRET_NAME = Pattern.compile("token|secret|key|password|passwd|auth|credential");
    /** A value that is a Klaviyo private key whatever its parameter is called. */
    private static final Pattern KLAVIYO_KEY = Pattern.compile("(?i)pk_\\w{6,}");

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

    /**
     * The query with the value of every parameter whose name says it may hold a secret masked: names are read as the
     * server reads them (percent-decoded: {@code to%6Ben} is {@code token}), and a value holding a Klaviyo key is
     * masked whatever its name.
     */
    static String redactQuery(String query) {
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) out.append('&');
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            boolean secret = SECRET_NAME.matcher(normalized(name)).find()
                    || KLAVIYO_KEY.matcher(decoded(value)).find();
            if (eq < 0) {
                // a bare word may be a secret sent without its name (?pk_live_…, ?tokenS3CR3T)
                out.append(secret || KLAVIYO_KEY.matcher(decoded(name)).find() ? "***" : name);
                continue;
            }
            out.append(name).append('=').append(secret ? "***" : value);
        }
        return out.toString();
    }

    private static String normalized(String name) {
        return decoded(name).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** Percent-decoded as a query is; text that is not valid percent-encoding stays as it is. */
    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}

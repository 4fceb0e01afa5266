package dev.ksync.http;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request's query parameters, decoded as UTF-8 from the raw query string (the framework's own parser consults the
 * Content-Type charset and fails on a malformed one); the first value of a repeated name wins. A broken %-escape is
 * a 400 that does not echo the query.
 */
final class QueryParams {
    private final Map<String, String> values = new LinkedHashMap<>();

    private QueryParams(String raw) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            values.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
    }

    static QueryParams of(Context ctx) {
        return new QueryParams(ctx.req().getQueryString());
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    java.util.Set<String> names() {
        return values.keySet();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "malformed_query", "The query string has a broken"
                    + " %-escape; encode '%' as %25", Map.of());
        }
    }
}

package dev.ksync.http;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's query parameters, decoded as UTF-8 from the raw query string (the framework's own parser consults the
 * Content-Type charset and fails on a malformed one); the first value of a repeated name wins. A broken %-escape is
 * a 400 that does not echo the query. Every route's are checked with {@link #only} before its handler runs
 * ({@link ApiRoutes}), so a typo is refused rather than ignored; handlers read them with the typed readers, so a bad
 * value is a 400 naming the parameter and what is allowed.
 */
final class QueryParams {
    private static final int SHOWN = 20;

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

    /** Every parameter, unchecked: for the gate, which reads {@code token} before a route decides what it allows. */
    static QueryParams of(Context ctx) {
        return new QueryParams(ctx.req().getQueryString());
    }

    /** The parameters, refusing any name outside {@code allowed} (400 {@code unknown_parameter}, listing both). */
    static QueryParams only(Context ctx, Set<String> allowed) {
        QueryParams q = of(ctx);
        Set<String> unknown = new TreeSet<>(q.values.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            List<String> names = unknown.stream().map(n -> KsyncException.quotable(cut(n, 40))).toList();
            List<String> known = List.copyOf(new TreeSet<>(allowed));
            throw new KsyncException(ErrorKind.BAD_INPUT, "unknown_parameter", "Unknown query parameter(s) " + names
                    + "; allowed: " + (known.isEmpty() ? "none" : known), Map.of("parameters", names, "allowed", known));
        }
        return q;
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A whole number in {@code min..max}; else 400 {@code invalid_<name>}. */
    Optional<Integer> integer(String name, int min, int max) {
        return get(name).map(raw -> {
            try {
                int v = Integer.parseInt(raw.strip());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw KsyncException.badInput(name, cut(raw, SHOWN), "a whole number from " + min + " to " + max);
        });
    }

    /**
     * true/1 or false/0 (any case; {@code fast=1} as the runbook writes it); an empty value reads as absent, so the
     * route's default applies. Anything else is 400 {@code invalid_<name>}.
     */
    Optional<Boolean> bool(String name) {
        return get(name).filter(raw -> !raw.isBlank()).map(raw ->
                switch (raw.strip().toLowerCase(Locale.ROOT)) {
                    case "true", "1" -> true;
                    case "false", "0" -> false;
                    default -> throw KsyncException.badInput(name, cut(raw, SHOWN), "true, false, 1 or 0");
                });
    }

    /** An echoed name or value is cut short: the error is logged, and a query can be long. */
    private static String cut(String raw, int max) {
        return raw.length() > max ? raw.substring(0, max) + "…" : raw;
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

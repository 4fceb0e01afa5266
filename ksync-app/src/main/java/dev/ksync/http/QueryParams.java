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
 * Content-Type charset and fails on a malformed one). A name given twice ({@code ?mode=live&mode=dry-run}) is a 400
 * {@code duplicate_parameter}, as a JSON field given twice is: which one was meant cannot be known. A broken %-escape
 * is a 400 that does not echo the query. Every route's are checked with {@link #only} before its handler runs
 * ({@link ApiRoutes}), so a typo is refused rather than ignored; handlers read them with the typed readers, so a bad
 * value is a 400 naming the parameter and what is allowed.
 */
final class QueryParams {
    private static final int SHOWN = 20;

    private final Map<String, String> values = new LinkedHashMap<>();
    /** Names given more than once; refused by {@link #only} and by any read of one. */
    private final Set<String> repeated = new TreeSet<>();

    private QueryParams(String raw) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (values.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                repeated.add(name);
            }
        }
    }

    /**
     * Every parameter, unchecked: for the gate, which reads {@code token} before a route decides what it allows (a
     * repeated {@code token} is still refused when read).
     */
    static QueryParams of(Context ctx) {
        return new QueryParams(ctx.req().getQueryString());
    }

    /**
     * The parameters, refusing any name outside {@code allowed} (400 {@code unknown_parameter}, listing both) and any
     * name given more than once (400 {@code duplicate_parameter}).
     */
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
        if (!q.repeated.isEmpty()) {
            throw duplicate(q.repeated);
        }
        return q;
    }

    Optional<String> get(String name) {
        if (repeated.contains(name)) {
            throw duplicate(Set.of(name));
        }
        return Optional.ofNullable(values.get(name));
    }

    /** Names the repeated parameters, never their values (one may be the admin secret). */
    private static KsyncException duplicate(Set<String> names) {
        List<String> shown = names.stream().map(n -> KsyncException.quotable(cut(n, 40))).toList();
        String first = shown.get(0);
        return new KsyncException(ErrorKind.BAD_INPUT, "duplicate_parameter", (shown.size() == 1
                ? "The query parameter " + first + " is given more than once"
                : "The query parameters " + shown + " are given more than once") + "; give each parameter once",
                Map.of("parameter", first, "parameters", shown, "allowed", "each parameter once"));
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

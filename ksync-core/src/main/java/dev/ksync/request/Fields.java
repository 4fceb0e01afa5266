package dev.ksync.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.error.KsyncException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed reads of a request's JSON fields, each failure a 400 that names the field, the value and what is allowed.
 * Every door (HTTP body, CLI options turned into the same object) goes through here, so validation lives once.
 */
public final class Fields {
    private final ObjectNode body;

    public Fields(ObjectNode body) {
        this.body = body;
    }

    public boolean has(String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    public JsonNode node(String field) {
        return body.get(field);
    }

    public Optional<String> text(String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw KsyncException.badInput(field, v.toString(), "a string");
        }
        return Optional.of(v.asText());
    }

    /** A secret-bearing string: a wrong type is reported without echoing the value. */
    public Optional<String> secretText(String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw KsyncException.badInput(field, "(hidden)", "a string");
        }
        return text(field).filter(s -> !s.isBlank());
    }

    /** One of an enum's constants by its wire name (lower case, '-' for '_'), or the default when absent. */
    public <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
        Optional<String> v = text(field);
        if (v.isEmpty()) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (wireName(e).equals(v.get())) {
                return e;
            }
        }
        throw KsyncException.badInput(field, v.get(), Arrays.stream(type.getEnumConstants()).map(Fields::wireName)
                .collect(Collectors.joining(", ")));
    }

    public static String wireName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Optional<Integer> integer(String field, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        String allowed = "a whole number from " + min + " to " + max;
        if (!v.canConvertToInt() || !v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw KsyncException.badInput(field, v.toString(), allowed);
        }
        int n = v.asInt();
        if (n < min || n > max) {
            throw KsyncException.badInput(field, n, allowed);
        }
        return Optional.of(n);
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw KsyncException.badInput(field, v.toString(), "true or false");
        }
        return v.asBoolean();
    }
}

package dev.ksync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.error.KsyncException;
import dev.ksync.request.Choices;
import dev.ksync.request.Days;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Typed reads of a request body's JSON fields, each failure a 400 that names the field, the value and what is
 * allowed. Only JSON types are checked here; what a value means is checked by the request record it builds.
 */
final class Fields {
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
        return text(field).map(v -> Choices.parse(field, type, v)).orElse(fallback);
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

    /** A calendar day, {@code YYYY-MM-DD} within {@link Days}' years. */
    public Optional<LocalDate> date(String field) {
        return text(field).map(v -> Days.parse(field, v));
    }

    /**
     * Refuses an explicit null for a field where null means nothing (no default to go back to), rather than reading
     * it as absent: {@code {"enabled": null}} must not answer 200 having changed nothing.
     */
    public void refuseNull(String field, String allowed) {
        JsonNode v = body.get(field);
        if (v != null && v.isNull()) {
            throw KsyncException.badInput(field, "null", allowed + "; null has no meaning here (leave the field out"
                    + " to keep it as it is)");
        }
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

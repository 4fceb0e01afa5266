package dev.ksync.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type services throw for failures a user should see: it carries a kind (which maps to an HTTP
 * status and an exit code), a snake_case code, a message that says what happened and how to fix it, and details.
 * Anything else escaping a service is a bug and is reported as {@code internal_error} without internals.
 */
public class KsyncException extends RuntimeException {
    private final ErrorKind kind;
    private final String code;
    private final Map<String, Object> details;

    public KsyncException(ErrorKind kind, String code, String message, Map<String, ?> details, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
        this.details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public KsyncException(ErrorKind kind, String code, String message, Map<String, ?> details) {
        this(kind, code, message, details, null);
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Bad input: names the field, the value given and what is allowed. */
    public static KsyncException badInput(String field, Object value, String allowed) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", field);
        d.put("value", value);
        d.put("allowed", allowed);
        String shown = value == null ? "missing" : "'" + value + "'";
        return new KsyncException(ErrorKind.BAD_INPUT, "invalid_" + snake(field),
                field + " is " + shown + "; allowed: " + allowed, d);
    }

    public static KsyncException notFound(String what, String id) {
        return new KsyncException(ErrorKind.NOT_FOUND, "not_found", what + " '" + id + "' does not exist",
                Map.of("resource", what, "id", id));
    }

    public static KsyncException conflict(String code, String message) {
        return new KsyncException(ErrorKind.CONFLICT, code, message, Map.of());
    }

    private static String snake(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_").toLowerCase();
    }
}

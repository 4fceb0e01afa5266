package dev.ksync.error;

import dev.ksync.klaviyo.error.Blame;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type services throw for failures a user should see: it carries a kind (what went wrong), a blame
 * (whose move it is) and, when known, the time a retry may succeed, a snake_case code, a message that says what
 * happened and how to fix it, and details. The doors turn kind and blame into HTTP statuses and exit codes.
 * Anything else escaping a service is a bug and is reported as {@code internal_error} without internals.
 */
public class KsyncException extends RuntimeException {
    /**
     * What decoding puts in place of bytes that are not valid UTF-8. Text holding it is not what the caller sent, so
     * no error quotes it (PRODUCT.md §1: no error echoes input it could not parse).
     */
    private static final String REPLACEMENT = "\uFFFD";
    /** How an error names text it could not decode, instead of quoting it. */
    private static final String NOT_UTF8 = "not valid UTF-8";

    private final ErrorKind kind;
    private final Blame blame;
    private final String code;
    private final Map<String, Object> details;
    private final Optional<Instant> retryAt;

    public KsyncException(ErrorKind kind, Blame blame, String code, String message, Map<String, ?> details,
            Optional<Instant> retryAt, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind is null");
        this.blame = Objects.requireNonNull(blame, "blame is null");
        this.code = Objects.requireNonNull(code, "code is null");
        this.details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.retryAt = Objects.requireNonNull(retryAt, "retryAt is null");
    }

    public KsyncException(ErrorKind kind, String code, String message, Map<String, ?> details, Throwable cause) {
        this(kind, kind.defaultBlame(), code, message, details, Optional.empty(), cause);
    }

    public KsyncException(ErrorKind kind, String code, String message, Map<String, ?> details) {
        this(kind, code, message, details, null);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Whose move it is: the user's (exit 2, fix and rerun), somebody else's (retry later), or ours (a bug). */
    public Blame blame() {
        return blame;
    }

    /**
     * When the same request may succeed (a quota's reset, Klaviyo's Retry-After); empty when unknown. A scheduler
     * retries at this time when {@link Blame#retryable()}, with its own backoff when empty, and stops otherwise.
     */
    public Optional<Instant> retryAt() {
        return retryAt;
    }

    /** The same failure, known to clear at {@code at}. */
    public KsyncException withRetryAt(Instant at) {
        return new KsyncException(kind, blame, code, getMessage(), details, Optional.of(at), getCause());
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Whether a value came out of decoding with bytes replaced, so that an error must not quote it. */
    public static boolean undecodable(Object value) {
        return value != null && value.toString().contains(REPLACEMENT);
    }

    /** A name or value as an error may show it: itself, or {@code (not valid UTF-8)} when {@link #undecodable}. */
    public static String quotable(String text) {
        return undecodable(text) ? "(" + NOT_UTF8 + ")" : text;
    }

    /**
     * Bad input: names the field, the value given and what is allowed. A value that is {@link #undecodable} is not
     * quoted ("schema is not valid UTF-8") and its details have no {@code value}.
     */
    public static KsyncException badInput(String field, Object value, String allowed) {
        boolean undecodable = undecodable(value);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", field);
        if (!undecodable) {
            d.put("value", value);
        }
        d.put("allowed", allowed);
        String shown = value == null ? "missing" : undecodable ? NOT_UTF8 : "'" + value + "'";
        return new KsyncException(ErrorKind.BAD_INPUT, "invalid_" + snake(field),
                field + " is " + shown + "; allowed: " + allowed, d);
    }

    public static KsyncException notFound(String what, String id) {
        String shown = quotable(id);
        return new KsyncException(ErrorKind.NOT_FOUND, "not_found", what + " '" + shown + "' does not exist",
                Map.of("resource", what, "id", shown));
    }

    public static KsyncException conflict(String code, String message) {
        return new KsyncException(ErrorKind.CONFLICT, code, message, Map.of());
    }

    /**
     * PRODUCT.md §1's refusal of work that reaches Klaviyo or writes storage while {@code KLAVIYO_ENABLE} is not true
     * ({@code klaviyo_disabled}: 501 over HTTP, exit 4 on the command line).
     *
     * @param message what was refused and how to allow it
     */
    public static KsyncException klaviyoDisabled(String message) {
        return new KsyncException(ErrorKind.DISABLED, "klaviyo_disabled", message, Map.of());
    }

    /**
     * The code's part for a field: its name in snake_case, a path's array indices left out so the code is one stable
     * identifier ({@code profiles[3].email} is {@code profiles_email}; {@code details.field} keeps the whole path), and
     * no stray underscores ({@code --start} is {@code start}).
     */
    static String snake(String field) {
        return field.replaceAll("\\[\\d*]", "").replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "").toLowerCase(Locale.ROOT);
    }
}

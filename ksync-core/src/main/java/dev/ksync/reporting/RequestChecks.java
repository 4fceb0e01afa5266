package dev.ksync.reporting;

import dev.ksync.error.KsyncException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks shared by the report-based sync requests; each failure is a 400 naming the field. */
public final class RequestChecks {
    public static final String METRIC_ID_ALLOWED = "a Klaviyo metric id: 1-64 letters, digits, '_' or '-'";
    private static final Pattern METRIC_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private RequestChecks() {}

    public static void range(String field, Optional<Integer> value, int min, int max) {
        value.ifPresent(v -> {
            if (v < min || v > max) throw KsyncException.badInput(field, v, "a whole number from " + min + " to " + max);
        });
    }

    public static void metricId(String field, Optional<String> value) {
        value.ifPresent(v -> {
            if (!METRIC_ID.matcher(v).matches()) throw KsyncException.badInput(field, v, METRIC_ID_ALLOWED);
        });
    }

    /** A record's optional component as given, or empty when a caller passed null. */
    public static <T> Optional<T> orEmpty(Optional<T> o) {
        return o == null ? Optional.empty() : o;
    }

    public static <T> T required(String field, T value, String allowed) {
        if (value == null) throw KsyncException.badInput(field, null, allowed);
        return value;
    }
}

package dev.ksync.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The runbook's timestamp form: UTC, whole seconds, six zero decimals, no {@code Z} ({@code 2025-09-01T00:00:00.000000}).
 * Window bounds are cut to the second as the runbook's {@code TD_TIME_STRING(…, 's!') || '.000000'} does.
 */
public final class RunbookTime {
    private RunbookTime() {}

    private static final DateTimeFormatter FORM = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'.000000'");
    private static final Pattern ACCEPTED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?");

    public static final String EXAMPLE = "2025-09-01T00:00:00.000000";

    /** {@code t} cut to the second, in the runbook's form. */
    public static String format(Instant t) {
        return FORM.format(t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    /** Reads the runbook's form (fewer decimals, or none, also read); anything else throws. */
    public static Instant parse(String text) {
        if (text == null || !ACCEPTED.matcher(text).matches()) {
            throw new DateTimeParseException("not in the form " + EXAMPLE, String.valueOf(text), 0);
        }
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
}

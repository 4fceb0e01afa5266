package dev.ksync.store;

import dev.ksync.error.KsyncException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** The folder of one upload under an account, e.g. {@code 2025-09-17T01-00-00Z}. */
public record UploadId(String value) {
    public static final String ALLOWED = "1-128 characters of A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter"
            + " or digit, without '..' (e.g. 2025-09-17T01-00-00Z)";
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final DateTimeFormatter FORM = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'")
            .withZone(ZoneOffset.UTC);

    public UploadId {
        if (value == null || !PATTERN.matcher(value).matches() || value.contains("..")) {
            throw KsyncException.badInput("uploadId", value, ALLOWED);
        }
    }

    /** The default: the UTC time, to the second. */
    public static UploadId at(Instant t) {
        return new UploadId(FORM.format(t.truncatedTo(ChronoUnit.SECONDS)));
    }

    @Override
    public String toString() {
        return value;
    }
}

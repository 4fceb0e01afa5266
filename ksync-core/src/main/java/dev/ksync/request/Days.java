package dev.ksync.request;

import dev.ksync.error.KsyncException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Calendar days as every door reads them (JSON fields, query parameters, CLI options): {@code YYYY-MM-DD} in the years
 * {@value #FIRST_YEAR} to {@value #LAST_YEAR}. The bound keeps day arithmetic (a window's end, a range's default
 * start) far from {@link LocalDate}'s limits, where it would throw instead of answering 400.
 */
public final class Days {
    public static final int FIRST_YEAR = 2000;
    public static final int LAST_YEAR = 2100;
    public static final String ALLOWED = "a day as YYYY-MM-DD in the years " + FIRST_YEAR + " to " + LAST_YEAR;
    /** An echoed value is cut short: the error is logged, and a value can be long. */
    private static final int SHOWN = 20;

    private Days() {}

    /** The day {@code value} names, or a 400 naming {@code field} and {@link #ALLOWED}. */
    public static LocalDate parse(String field, String value) {
        LocalDate day;
        try {
            day = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw KsyncException.badInput(field, value.length() > SHOWN ? value.substring(0, SHOWN) + "…" : value, ALLOWED);
        }
        if (day.getYear() < FIRST_YEAR || day.getYear() > LAST_YEAR) {
            throw KsyncException.badInput(field, value, ALLOWED);
        }
        return day;
    }
}

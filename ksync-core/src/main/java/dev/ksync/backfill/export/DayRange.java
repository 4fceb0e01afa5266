package dev.ksync.backfill.export;

import dev.ksync.error.KsyncException;
import dev.ksync.request.Days;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/** The days an export covers, both ends included, at most {@link #MAX_DAYS} of them. */
public record DayRange(LocalDate start, LocalDate end) {
    public static final int MAX_DAYS = 400;
    private static final String DAY = Days.ALLOWED;

    public DayRange {
        if (start == null) throw KsyncException.badInput("start", null, DAY);
        if (end == null) throw KsyncException.badInput("end", null, DAY);
        if (end.isBefore(start)) {
            throw KsyncException.badInput("end", end.toString(), "a day on or after start (" + start + ")");
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
            throw KsyncException.badInput("end", end.toString(),
                    "at most " + MAX_DAYS + " days from start (" + start + "), both included");
        }
    }

    /** Parses the two query values, naming the field that is missing or malformed. */
    public static DayRange parse(String start, String end) {
        return new DayRange(day("start", start), day("end", end));
    }

    public long days() {
        return ChronoUnit.DAYS.between(start, end) + 1;
    }

    private static LocalDate day(String field, String value) {
        if (value == null || value.isBlank()) throw KsyncException.badInput(field, null, DAY);
        return Days.parse(field, value);
    }
}

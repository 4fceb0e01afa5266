package dev.ksync.dashboard;

import dev.ksync.error.KsyncException;
import dev.ksync.request.Days;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The days a dashboard covers, inclusive, in the account's timezone. Absent bounds default to the last
 * {@link #DEFAULT_DAYS} days ending yesterday; a range spans at most {@link #MAX_YEARS} years.
 */
public record DashboardRange(LocalDate start, LocalDate end) {
    public static final int DEFAULT_DAYS = 90;
    public static final int MAX_YEARS = 3;

    public long days() {
        return ChronoUnit.DAYS.between(start, end) + 1;
    }

    /** From the request's {@code start} and {@code end} (YYYY-MM-DD), {@code yesterday} in the account's timezone. */
    public static DashboardRange of(Optional<String> start, Optional<String> end, LocalDate yesterday) {
        LocalDate e = end.map(v -> Days.parse("end", v)).orElse(yesterday);
        LocalDate s = start.map(v -> Days.parse("start", v)).orElse(e.minusDays(DEFAULT_DAYS - 1));
        if (s.isAfter(e)) {
            throw KsyncException.badInput("start", s.toString(), "a day on or before end (" + e + ")");
        }
        if (s.isBefore(e.minusYears(MAX_YEARS))) {
            throw KsyncException.badInput("start", s.toString(), "a day at most " + MAX_YEARS + " years before end ("
                    + e + "), i.e. on or after " + e.minusYears(MAX_YEARS));
        }
        return new DashboardRange(s, e);
    }
}

package dev.ksync.klaviyo.endpoint;

import java.time.LocalDateTime;
import java.time.Period;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How long a report timeframe may be, as the spec's report request DTOs say (FlowSeriesRequestDTO…): every
 * timeframe at most 1 year, series intervals less. Klaviyo reads a custom timeframe's wall clock in the account
 * timezone (the offset is ignored) and the client sends UTC, so lengths compare on the UTC wall clock.
 * {@code EndpointsTest} checks the table and its wording against the spec.
 */
public final class ReportLimits {
    private ReportLimits() {}

    /** "The time frame to pull data from (Max length: 1 year)": exactly one calendar year is allowed. */
    public static final Period MAX_TIMEFRAME = Period.ofYears(1);
    public static final String MAX_TIMEFRAME_RULE = "The timeframe cannot be longer than 1 year.";

    /** "Max of 100 items per list filter." (the report request DTOs' filter): more is a 400. */
    public static final int MAX_FILTER_LIST = 100;

    /** A series interval and the longest timeframe it takes, in whole days (none: only {@link #MAX_TIMEFRAME}). */
    public enum Interval {
        HOURLY(Period.ofDays(7), "7 days"),
        DAILY(Period.ofDays(60), "60 days"),
        WEEKLY(null, null),
        MONTHLY(Period.ofWeeks(52), "52 weeks");

        private final Period max;
        private final String maxText;

        Interval(Period max, String maxText) {
            this.max = max;
            this.maxText = maxText;
        }

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        public Optional<Period> max() { return Optional.ofNullable(max); }

        /** The spec's sentence, e.g. "If hourly is used, the timeframe cannot be longer than 7 days.", or null. */
        public String rule() {
            return max == null ? null : "If " + wire() + " is used, the timeframe cannot be longer than " + maxText + ".";
        }

        public static Optional<Interval> parse(String wire) {
            for (Interval i : values()) if (i.wire().equals(wire)) return Optional.of(i);
            return Optional.empty();
        }
    }

    /**
     * The named timeframes (spec schema {@code Timeframe.key}) and the longest window each can name, in days: a key
     * goes with an interval only when every window it names fits, whatever the day (this_month: up to 31 days).
     */
    public static final Map<String, Integer> KEY_LONGEST_DAYS = keys(
            "today", 1, "yesterday", 1, "this_week", 7, "last_week", 7, "last_7_days", 7,
            "this_month", 31, "last_month", 31, "last_30_days", 30, "last_90_days", 90, "last_3_months", 92,
            "last_365_days", 365, "last_12_months", 366, "this_year", 366, "last_year", 366);

    /** Whether [start, end) is no longer than {@code max} (wall-clock arithmetic: a year is a calendar year). */
    public static boolean fits(LocalDateTime start, LocalDateTime end, Period max) {
        return !end.isAfter(start.plus(max));
    }

    private static Map<String, Integer> keys(Object... keyThenDays) {
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < keyThenDays.length; i += 2) m.put((String) keyThenDays[i], (Integer) keyThenDays[i + 1]);
        return Collections.unmodifiableMap(m);
    }
}

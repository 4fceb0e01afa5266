package dev.ksync.sandbox.query;

import java.time.LocalDateTime;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How long a report timeframe may be, as the spec's report request DTOs say (FlowSeriesRequestDTO…):
 * every timeframe at most 1 year, series intervals less. Lengths are compared on the wall clock of the
 * account timezone, where Klaviyo reads timeframes. EndpointsMatchSpecTest checks the wording against the spec.
 */
public final class ReportLimits {
    private ReportLimits() {}

    /** "The time frame to pull data from (Max length: 1 year)": exactly one year is allowed. */
    public static final Period MAX_TIMEFRAME = Period.ofYears(1);
    public static final String MAX_TIMEFRAME_RULE = "The timeframe cannot be longer than 1 year.";

    /** The report filters' rules, in the DTOs' words (checked against the spec by EndpointsMatchSpecTest). */
    public static final int MAX_FILTER_LIST = 100;
    public static final String MAX_FILTER_LIST_RULE = "Max of 100 items per list filter.";
    public static final String ONE_FILTER_RULE = "Only one filter can be used per attribute.";
    public static final List<String> SEND_CHANNELS = List.of("email", "sms", "push-notification", "whatsapp");
    public static final String SEND_CHANNEL_RULE = "When filtering on send_channel, allowed values are email, sms, push-notification, whatsapp.";

    /** A series interval and the longest timeframe it takes (null: only {@link #MAX_TIMEFRAME}). */
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

    /** Whether [start, end) is no longer than {@code max} (wall-clock arithmetic: a year is a calendar year). */
    public static boolean fits(LocalDateTime start, LocalDateTime end, Period max) {
        return !end.isAfter(start.plus(max));
    }
}

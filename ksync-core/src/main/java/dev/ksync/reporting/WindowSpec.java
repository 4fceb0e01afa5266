package dev.ksync.reporting;

import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * How a request names its days: {@code days} (the last N whole days before today), {@code start}+{@code end}
 * (inclusive days), or a Klaviyo {@code timeframeKey}; at most one of the three, all in the account timezone.
 * Validated here, so every door reports the same 400 naming the field.
 */
public record WindowSpec(Optional<Integer> days, Optional<LocalDate> start, Optional<LocalDate> end,
                         Optional<String> timeframeKey) {
    /** The longest window a sync takes: two years, the depth of Klaviyo's reporting history ksync uses. */
    public static final int MAX_DAYS = 731;

    public WindowSpec {
        days = days == null ? Optional.empty() : days;
        start = start == null ? Optional.empty() : start;
        end = end == null ? Optional.empty() : end;
        timeframeKey = timeframeKey == null ? Optional.empty() : timeframeKey;
        days.ifPresent(d -> {
            if (d < 1 || d > MAX_DAYS) throw KsyncException.badInput("days", d, "a whole number from 1 to " + MAX_DAYS);
        });
        if (start.isPresent() != end.isPresent()) {
            String missing = start.isPresent() ? "end" : "start";
            throw KsyncException.badInput(missing, null, "start and end together (YYYY-MM-DD, inclusive, account timezone)");
        }
        if (start.isPresent()) {
            if (end.get().isBefore(start.get())) {
                throw KsyncException.badInput("end", end.get().toString(), "a day on or after start " + start.get());
            }
            long span = ChronoUnit.DAYS.between(start.get(), end.get()) + 1;
            if (span > MAX_DAYS) {
                throw KsyncException.badInput("end", end.get().toString(), "at most " + MAX_DAYS + " days from start " + start.get());
            }
        }
        timeframeKey.ifPresent(k -> {
            if (!ReportLimits.KEY_LONGEST_DAYS.containsKey(k)) {
                throw KsyncException.badInput("timeframeKey", k, String.join(", ", ReportLimits.KEY_LONGEST_DAYS.keySet()));
            }
        });
        int given = (days.isPresent() ? 1 : 0) + (start.isPresent() ? 1 : 0) + (timeframeKey.isPresent() ? 1 : 0);
        if (given > 1) {
            String field = timeframeKey.isPresent() ? "timeframeKey" : "start";
            throw KsyncException.badInput(field, timeframeKey.orElse(start.map(LocalDate::toString).orElse(null)),
                    "only one of days, start+end, timeframeKey");
        }
    }

    public static WindowSpec lastDays(int n) { return new WindowSpec(Optional.of(n), null, null, null); }

    public static WindowSpec between(LocalDate start, LocalDate endInclusive) {
        return new WindowSpec(null, Optional.of(start), Optional.of(endInclusive), null);
    }

    public static WindowSpec key(String key) { return new WindowSpec(null, null, null, Optional.of(key)); }

    public boolean isEmpty() { return days.isEmpty() && start.isEmpty() && timeframeKey.isEmpty(); }

    /** The days this spec names, {@code today} being the account's current day; keys read as Klaviyo reads them. */
    public ReportWindow resolve(LocalDate today) {
        if (days.isPresent()) return new ReportWindow(today.minusDays(days.get()), today);
        if (start.isPresent()) return new ReportWindow(start.get(), end.get().plusDays(1));
        String key = timeframeKey.orElseThrow(() -> new IllegalStateException("empty window spec"));
        LocalDate tomorrow = today.plusDays(1), sunday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
        LocalDate month = today.withDayOfMonth(1), year = today.withDayOfYear(1);
        return switch (key) {
            case "today" -> new ReportWindow(today, tomorrow);
            case "yesterday" -> new ReportWindow(today.minusDays(1), today);
            case "this_week" -> new ReportWindow(sunday, tomorrow);
            case "last_week" -> new ReportWindow(sunday.minusWeeks(1), sunday);
            case "this_month" -> new ReportWindow(month, tomorrow);
            case "last_month" -> new ReportWindow(month.minusMonths(1), month);
            case "this_year" -> new ReportWindow(year, tomorrow);
            case "last_year" -> new ReportWindow(year.minusYears(1), year);
            case "last_7_days" -> new ReportWindow(today.minusDays(7), today);
            case "last_30_days" -> new ReportWindow(today.minusDays(30), today);
            case "last_90_days" -> new ReportWindow(today.minusDays(90), today);
            case "last_365_days" -> new ReportWindow(today.minusDays(365), today);
            case "last_3_months" -> new ReportWindow(month.minusMonths(3), month);
            case "last_12_months" -> new ReportWindow(month.minusMonths(12), month);
            default -> throw new IllegalStateException("unchecked key " + key);
        };
    }
}

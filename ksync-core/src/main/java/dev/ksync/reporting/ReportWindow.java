package dev.ksync.reporting;

import dev.ksync.klaviyo.report.Timeframe;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Whole days [first, end) of the account's calendar (its timezone), the unit every report plan works in. */
public record ReportWindow(LocalDate first, LocalDate end) {
    public ReportWindow {
        Objects.requireNonNull(first, "first is null");
        Objects.requireNonNull(end, "end is null");
        if (!end.isAfter(first)) throw new IllegalArgumentException("window end " + end + " is not after " + first);
    }

    public static ReportWindow day(LocalDate d) { return new ReportWindow(d, d.plusDays(1)); }

    public int days() { return (int) ChronoUnit.DAYS.between(first, end); }

    /** The last day inside the window. */
    public LocalDate last() { return end.minusDays(1); }

    public boolean contains(LocalDate d) { return !d.isBefore(first) && d.isBefore(end); }

    /**
     * The window as a report timeframe. Klaviyo reads a custom timeframe's wall clock in the account timezone and
     * ignores the offset, so midnight of each day is sent as that wall clock (in UTC notation).
     */
    public Timeframe timeframe() {
        return Timeframe.between(first.atStartOfDay().toInstant(ZoneOffset.UTC), end.atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /** Consecutive windows of at most {@code maxDays} days covering this one, oldest first. */
    public List<ReportWindow> split(int maxDays) {
        if (maxDays < 1) throw new IllegalArgumentException("maxDays " + maxDays);
        List<ReportWindow> out = new ArrayList<>();
        for (LocalDate d = first; d.isBefore(end); d = d.plusDays(maxDays)) {
            LocalDate e = d.plusDays(maxDays);
            out.add(new ReportWindow(d, e.isAfter(end) ? end : e));
        }
        return out;
    }

    /** Consecutive windows of at most one calendar year (a values report's longest timeframe), oldest first. */
    public List<ReportWindow> splitYears() {
        List<ReportWindow> out = new ArrayList<>();
        for (LocalDate d = first; d.isBefore(end); d = d.plusYears(1)) {
            LocalDate e = d.plusYears(1);
            out.add(new ReportWindow(d, e.isAfter(end) ? end : e));
        }
        return out;
    }

    @Override
    public String toString() {
        return first + ".." + last();
    }
}

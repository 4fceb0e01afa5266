package dev.ksync.reporting;

import java.util.List;

/**
 * The report calls a sync will make, decided before the first one: their shape, endpoint and windows, and how
 * many CSV rows they can yield at most (what the row budget is checked against).
 *
 * @param choice why this shape, for diagnostics (e.g. "auto: per-day fits the 225 calls left")
 */
public record ReportPlan(Shape shape, String operationId, List<ReportWindow> calls, long rowEstimate, String choice) {
    public enum Shape {
        /** Daily series reports, each ≤ 60 days, a row per message per active day. */
        SERIES_DAILY,
        /** One values report per day (the old strategy), a row per message per active day. */
        VALUES_PER_DAY,
        /** Values reports over the window (≤ 1 year each), a row per message, Day = the window's first day. */
        VALUES_RANGE;

        public boolean perDay() { return this != VALUES_RANGE; }
    }

    public ReportPlan {
        calls = List.copyOf(calls);
    }

    public int reportCalls() { return calls.size(); }
}

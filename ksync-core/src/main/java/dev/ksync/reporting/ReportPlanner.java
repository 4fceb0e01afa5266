package dev.ksync.reporting;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import java.time.Period;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plans the report calls of a sync and refuses, before any call, a plan past the row budget (422) or past the
 * report quota left (429 {@code report_quota_exhausted}). Series windows are as long as Klaviyo allows for a daily
 * interval ({@link ReportLimits.Interval#DAILY}), values windows at most one year.
 */
public final class ReportPlanner {
    /** Days per daily series report: Klaviyo's limit, read from the client's table. */
    public static final int SERIES_DAYS = ReportLimits.Interval.DAILY.max().map(Period::getDays).orElseThrow();

    private ReportPlanner() {}

    /** Which per-day strategy a flow sync uses. */
    public enum Strategy { SERIES, PER_DAY_VALUES }

    /** per-day, range, or auto (per-day when it fits the quota and the row budget, else range). */
    public enum Aggregation { PER_DAY, RANGE, AUTO }

    /**
     * A flow sync's plan.
     *
     * @param messages how many messages can have rows (after caps): rows are at most messages × days
     * @param rowBudget most rows allowed (FLOW_ROW_BUDGET)
     */
    public static ReportPlan flows(ReportWindow window, Aggregation aggregation, Strategy strategy, long messages,
                                   int rowBudget, ReportQuota quota, KlaviyoClient account) {
        ReportPlan perDay = strategy == Strategy.SERIES
                ? new ReportPlan(ReportPlan.Shape.SERIES_DAILY, Endpoints.FLOW_SERIES_REPORT.operationId(),
                        window.split(SERIES_DAYS), messages * window.days(), "series, " + SERIES_DAYS + " days a call")
                : new ReportPlan(ReportPlan.Shape.VALUES_PER_DAY, Endpoints.FLOW_VALUES_REPORT.operationId(),
                        window.split(1), messages * window.days(), "per-day values, one call a day");
        ReportPlan range = new ReportPlan(ReportPlan.Shape.VALUES_RANGE, Endpoints.FLOW_VALUES_REPORT.operationId(),
                window.splitYears(), messages, "range, one values report per year of window");
        ReportPlan chosen = switch (aggregation) {
            case PER_DAY -> perDay;
            case RANGE -> range;
            case AUTO -> {
                ReportQuota.Allowance left = quota.remaining(account, perDay.operationId());
                boolean fits = perDay.reportCalls() <= left.remaining() && perDay.rowEstimate() <= rowBudget;
                ReportPlan p = fits ? perDay : range;
                yield new ReportPlan(p.shape(), p.operationId(), p.calls(), p.rowEstimate(), "auto: " + (fits
                        ? "per-day (" + perDay.reportCalls() + " calls of " + left.remaining() + " left, ≤ "
                                + perDay.rowEstimate() + " rows)"
                        : "range, per-day would need " + perDay.reportCalls() + " calls (" + left.remaining()
                                + " left) and up to " + perDay.rowEstimate() + " rows (budget " + rowBudget + ")"));
            }
        };
        checkRows(chosen, rowBudget);
        checkQuota(chosen, quota, account);
        return chosen;
    }

    /** A campaign sync's plan: values reports grouped by message over the window, ≤ 1 year each. */
    public static ReportPlan campaigns(ReportWindow window, long messages, ReportQuota quota, KlaviyoClient account) {
        ReportPlan p = new ReportPlan(ReportPlan.Shape.VALUES_RANGE, Endpoints.CAMPAIGN_VALUES_REPORT.operationId(),
                window.splitYears(), messages, "values report by campaign message, one per year of window");
        checkQuota(p, quota, account);
        return p;
    }

    static void checkRows(ReportPlan p, int rowBudget) {
        if (p.rowEstimate() > rowBudget) {
            throw new KsyncException(ErrorKind.UNPROCESSABLE, "row_budget_exceeded", "This sync can produce up to "
                    + p.rowEstimate() + " rows, over the row budget of " + rowBudget + " (FLOW_ROW_BUDGET); shorten the"
                    + " window, lower limitFlows or limitMessages, or use aggregation range. No report was requested.",
                    Map.of("estimate", p.rowEstimate(), "budget", rowBudget));
        }
    }

    static void checkQuota(ReportPlan p, ReportQuota quota, KlaviyoClient account) {
        ReportQuota.Allowance left = quota.remaining(account, p.operationId());
        if (p.reportCalls() > left.remaining()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("planned", p.reportCalls());
            d.put("remaining", left.remaining());
            d.put("resetsAt", left.resetsAt() == null ? null : left.resetsAt().toString());
            d.put("endpoint", p.operationId());
            KsyncException spent = new KsyncException(ErrorKind.RATE_LIMITED, "report_quota_exhausted", "This sync needs "
                    + p.reportCalls() + " " + p.operationId() + " calls but only " + left.remaining() + " of the"
                    + " account's daily report calls (Klaviyo allows " + ReportQuota.KLAVIYO_DAILY + ") are left"
                    + (left.resetsAt() == null ? "" : " until " + left.resetsAt())
                    + "; run it after that, shorten the window, or use a plan with fewer calls (series, or range)."
                    + " Nothing was spent.", d);
            throw left.resetsAt() == null ? spent : spent.withRetryAt(left.resetsAt());
        }
    }
}

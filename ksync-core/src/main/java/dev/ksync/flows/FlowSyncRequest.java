package dev.ksync.flows;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.reporting.ReportPlanner.Aggregation;
import dev.ksync.reporting.ReportPlanner.Strategy;
import dev.ksync.reporting.ReportRequest;
import dev.ksync.reporting.ReportRequestBuilder;
import dev.ksync.reporting.RequestChecks;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequest;
import java.util.Optional;

/**
 * A validated flow-sync request (flows.csv): every body field of the Flow Sync runbook plus {@code reportStrategy}.
 * Built with {@link #builder()} by any door (HTTP body, CLI options, a scheduled task); the compact constructor
 * refuses a bad field with a 400 naming it.
 *
 * @param window       days | start+end | timeframeKey; none given means the last {@value #DEFAULT_DAYS} days
 * @param limitFlows   at most this many flows (the first by id)
 * @param limitMessages at most this many messages (the first by flow id, then message id)
 * @param enrichMessageNames fill names and channels the report and the flows listing lack by walking those flows'
 *                     actions (names normally come free with the report's groupings)
 * @param includeDrafts a zero row, on the window's first day, for each message of a draft flow
 * @param debug        more diagnostics (the report windows requested)
 * @param overwrite    whether a live run may replace an object with other content under its key
 */
public record FlowSyncRequest(
        Mode mode,
        Format format,
        WindowSpec window,
        Optional<Integer> limitFlows,
        Optional<Integer> limitMessages,
        boolean enrichMessageNames,
        Aggregation aggregation,
        Optional<String> conversionMetricId,
        boolean includeDrafts,
        boolean debug,
        Optional<AccountId> accountId,
        Optional<UploadId> uploadId,
        Optional<Secret> klaviyoApiKey,
        Strategy reportStrategy,
        boolean overwrite) implements ReportRequest {

    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_LIMIT_FLOWS = 1000;
    public static final int MAX_LIMIT_MESSAGES = 10_000;

    public FlowSyncRequest {
        mode = RequestChecks.required("mode", mode, "dry-run or live");
        format = RequestChecks.required("format", format, "json or csv");
        window = window == null || window.isEmpty() ? WindowSpec.lastDays(DEFAULT_DAYS) : window;
        limitFlows = RequestChecks.orEmpty(limitFlows);
        limitMessages = RequestChecks.orEmpty(limitMessages);
        RequestChecks.range("limitFlows", limitFlows, 1, MAX_LIMIT_FLOWS);
        RequestChecks.range("limitMessages", limitMessages, 1, MAX_LIMIT_MESSAGES);
        aggregation = RequestChecks.required("aggregation", aggregation, "per-day, range or auto");
        conversionMetricId = RequestChecks.orEmpty(conversionMetricId);
        RequestChecks.metricId("conversionMetricId", conversionMetricId);
        accountId = RequestChecks.orEmpty(accountId);
        uploadId = RequestChecks.orEmpty(uploadId);
        klaviyoApiKey = RequestChecks.orEmpty(klaviyoApiKey).filter(k -> !k.value().isBlank());
        reportStrategy = RequestChecks.required("reportStrategy", reportStrategy, "series or per-day-values");
        SyncRequest.requireAccountWhenLive(mode, accountId);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: dry-run, json, the last 30 days, per-day, series, no caps, no drafts. */
    public static final class Builder extends ReportRequestBuilder<Builder> {
        private Integer limitFlows, limitMessages;
        private boolean enrichMessageNames, includeDrafts;
        private Aggregation aggregation = Aggregation.PER_DAY;
        private Strategy reportStrategy = Strategy.SERIES;

        private Builder() {}

        public Builder days(int d) { return window(WindowSpec.lastDays(d)); }
        public Builder limitFlows(Integer n) { this.limitFlows = n; return this; }
        public Builder limitMessages(Integer n) { this.limitMessages = n; return this; }
        public Builder enrichMessageNames(boolean b) { this.enrichMessageNames = b; return this; }
        public Builder aggregation(Aggregation a) { this.aggregation = a; return this; }
        public Builder includeDrafts(boolean b) { this.includeDrafts = b; return this; }
        public Builder reportStrategy(Strategy s) { this.reportStrategy = s; return this; }

        public FlowSyncRequest build() {
            return new FlowSyncRequest(mode, format, window, Optional.ofNullable(limitFlows),
                    Optional.ofNullable(limitMessages), enrichMessageNames, aggregation,
                    Optional.ofNullable(conversionMetricId), includeDrafts, debug, Optional.ofNullable(accountId),
                    Optional.ofNullable(uploadId), Optional.ofNullable(klaviyoApiKey), reportStrategy, overwrite);
        }
    }
}

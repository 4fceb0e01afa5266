package dev.ksync.reporting;

import dev.ksync.sync.Format;
import dev.ksync.sync.SyncRequest;
import java.util.Optional;

/** What the report-based sync requests (flows, campaigns) share beside the runner's part. */
public interface ReportRequest extends SyncRequest {
    Format format();

    /** days | start+end | timeframeKey, defaulted by each request. */
    WindowSpec window();

    /** The Placed Order metric; empty means resolved (SHOPIFY_PLACED_ORDER_METRIC_ID, else by name). */
    Optional<String> conversionMetricId();

    /** More diagnostics (the report windows requested). */
    boolean debug();
}

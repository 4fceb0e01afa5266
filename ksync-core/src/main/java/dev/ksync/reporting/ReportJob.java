package dev.ksync.reporting;

import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.sync.RowSink;
import dev.ksync.sync.SyncContext;
import dev.ksync.sync.SyncJob;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A report-based {@link SyncJob} (flows.csv, campaigns.csv): one file with a fixed header, planned against the
 * account's daily report quota. Every run starts the same way (the account and its timezone, the window resolved in
 * it, the conversion metric) and ends with Klaviyo failures as answers; the job writes the rows in between.
 */
public abstract class ReportJob<R extends ReportRequest, D> implements SyncJob<R, D> {
    /** Rows in a JSON answer's {@code sample}. */
    public static final int SAMPLE_ROWS = 5;

    private final String name;
    private final String fileName;
    private final List<String> header;
    private final Optional<String> placedOrderMetricId;
    protected final ReportQuota quota;
    protected final ReportCache cache;
    protected final Clock clock;

    /**
     * @param placedOrderMetricId SHOPIFY_PLACED_ORDER_METRIC_ID
     * @param quota               the report calls each account may still spend today, asked before any is spent
     * @param cache               what is kept per account between runs (conversion metric, walked flows, names)
     */
    protected ReportJob(String name, String fileName, List<String> header, Optional<String> placedOrderMetricId,
            ReportQuota quota, ReportCache cache, Clock clock) {
        this.name = name;
        this.fileName = fileName;
        this.header = header;
        this.placedOrderMetricId = placedOrderMetricId;
        this.quota = quota;
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * Where every run starts.
     *
     * @param before the client's calls before the run, so the report counts only its own
     */
    protected record Start(KlaviyoClient client, CallStats before, AccountZone account, ReportWindow window,
                           ConversionMetric metric) {
        /** The client's calls since the run started. */
        public CallStats calls() {
            return client.callStats().minus(before);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String fileName() {
        return fileName;
    }

    @Override
    public final List<String> header(R request) {
        return header;
    }

    @Override
    public final D run(R req, SyncContext context, RowSink sink) {
        KlaviyoClient client = context.klaviyo();
        CallStats before = client.callStats();
        try {
            AccountZone account = AccountZone.fetch(client);
            ReportWindow window = req.window().resolve(LocalDate.now(clock.withZone(account.zone())));
            ConversionMetric metric = ConversionMetric.resolve(req.conversionMetricId(), placedOrderMetricId, client,
                    cache, account.accountId(), clock.instant());
            return run(req, context, sink, new Start(client, before, account, window, metric));
        } catch (KlaviyoException e) {
            throw UpstreamErrors.from(e);
        }
    }

    /** Writes the rows in the header's order, from where the run {@code start}s. */
    protected abstract D run(R req, SyncContext context, RowSink sink, Start start);
}

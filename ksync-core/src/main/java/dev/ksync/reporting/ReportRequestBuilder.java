package dev.ksync.reporting;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncRequestBuilder;
import java.time.LocalDate;

/**
 * The fields every report request's builder takes (a {@link ReportRequest}'s), set one way for all; a request's
 * builder adds its own. Defaults: dry-run, json, the request's default window, no conversion metric, no debug.
 */
public abstract class ReportRequestBuilder<B extends ReportRequestBuilder<B>> implements SyncRequestBuilder<B> {
    protected Mode mode = Mode.DRY_RUN;
    protected Format format = Format.JSON;
    protected WindowSpec window;
    protected String conversionMetricId;
    protected boolean debug;
    protected AccountId accountId;
    protected UploadId uploadId;
    protected Secret klaviyoApiKey;
    protected boolean overwrite;

    protected ReportRequestBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    @Override public B mode(Mode m) { this.mode = m; return self(); }
    @Override public B format(Format f) { this.format = f; return self(); }
    public B window(WindowSpec w) { this.window = w; return self(); }
    public B between(LocalDate start, LocalDate endInclusive) { return window(WindowSpec.between(start, endInclusive)); }
    public B timeframeKey(String k) { return window(WindowSpec.key(k)); }
    public B conversionMetricId(String id) { this.conversionMetricId = id; return self(); }
    public B debug(boolean b) { this.debug = b; return self(); }
    @Override public B accountId(AccountId a) { this.accountId = a; return self(); }
    @Override public B uploadId(UploadId u) { this.uploadId = u; return self(); }
    @Override public B klaviyoApiKey(Secret k) { this.klaviyoApiKey = k; return self(); }
    @Override public B overwrite(boolean b) { this.overwrite = b; return self(); }
}

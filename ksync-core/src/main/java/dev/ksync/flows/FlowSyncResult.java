package dev.ksync.flows;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ksync.store.StoredObject;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncReport;
import java.util.List;
import java.util.Map;

/**
 * What a flow sync answers: dry-run JSON {@code {mode, rows, days, flows, sample, csvPreview, diagnostics}} as the
 * runbook shows it; live {@code {mode, rows, bucket, key, bytes, sha256, diagnostics}} as audience sync does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowSyncResult(
        String mode,
        long rows,
        Integer days,
        Integer flows,
        List<Map<String, String>> sample,
        List<String> csvPreview,
        String bucket,
        String key,
        Long bytes,
        String sha256,
        Map<String, Object> diagnostics) {

    public static FlowSyncResult of(SyncReport<FlowSyncReport> r, boolean debug) {
        FlowSyncReport d = r.details();
        Map<String, Object> diagnostics = d.diagnostics(debug);
        diagnostics.putAll(r.measured());
        StoredObject o = r.stored().orElse(null);
        if (o == null) {
            return new FlowSyncResult(r.mode().wireName(), r.rows(), d.days(), d.flows(), d.sample(), r.csvPreview(),
                    null, null, null, null, diagnostics);
        }
        return new FlowSyncResult(Mode.LIVE.wireName(), r.rows(), null, null, null, null, o.bucket(), o.key(),
                o.bytes(), o.sha256(), diagnostics);
    }
}

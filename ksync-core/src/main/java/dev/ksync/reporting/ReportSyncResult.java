package dev.ksync.reporting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.ksync.store.StoredObject;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncReport;
import java.util.List;
import java.util.Map;

/**
 * What a report sync (flows, campaigns) answers: dry-run JSON {@code {mode, rows, <counts>, sample, csvPreview,
 * diagnostics}} as the runbooks show it (flows: {@code days, flows}; campaigns: {@code campaigns}); live
 * {@code {mode, rows, bucket, key, bytes, sha256, diagnostics}} as audience sync does.
 *
 * @param counts the job's own counts, written in their place between {@code rows} and {@code sample}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportSyncResult(
        String mode,
        long rows,
        @JsonUnwrapped Record counts,
        List<Map<String, String>> sample,
        List<String> csvPreview,
        String bucket,
        String key,
        Long bytes,
        String sha256,
        Map<String, Object> diagnostics) {

    /** What a report job tells its answer, beside what the runner measured. */
    public interface Details {
        /** The dry-run answer's counts, in answer order. */
        Record counts();

        /** The first rows, header → cell. */
        List<Map<String, String>> sample();

        /** The job's part of the answer's {@code diagnostics}; {@code debug} adds the windows requested. */
        Map<String, Object> diagnostics(boolean debug);
    }

    public static ReportSyncResult of(SyncReport<? extends Details> r, boolean debug) {
        Details d = r.details();
        Map<String, Object> diagnostics = d.diagnostics(debug);
        diagnostics.putAll(r.measured());
        StoredObject o = r.stored().orElse(null);
        if (o == null) {
            return new ReportSyncResult(r.mode().wireName(), r.rows(), d.counts(), d.sample(), r.csvPreview(),
                    null, null, null, null, diagnostics);
        }
        return new ReportSyncResult(Mode.LIVE.wireName(), r.rows(), null, null, null, o.bucket(), o.key(), o.bytes(),
                o.sha256(), diagnostics);
    }
}

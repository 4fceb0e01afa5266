package dev.ksync.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ksync.store.StoredObject;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncReport;
import java.util.List;
import java.util.Map;

/**
 * What a campaign sync answers: dry-run JSON {@code {mode, rows, campaigns, sample, csvPreview, diagnostics}}; live
 * {@code {mode, rows, bucket, key, bytes, sha256, diagnostics}} as audience sync does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignSyncResult(
        String mode,
        long rows,
        Integer campaigns,
        List<Map<String, String>> sample,
        List<String> csvPreview,
        String bucket,
        String key,
        Long bytes,
        String sha256,
        Map<String, Object> diagnostics) {

    public static CampaignSyncResult of(SyncReport<CampaignSyncReport> r, boolean debug) {
        CampaignSyncReport d = r.details();
        Map<String, Object> diagnostics = d.diagnostics(debug);
        diagnostics.putAll(r.measured());
        StoredObject o = r.stored().orElse(null);
        if (o == null) {
            return new CampaignSyncResult(r.mode().wireName(), r.rows(), d.campaigns(), d.sample(), r.csvPreview(),
                    null, null, null, null, diagnostics);
        }
        return new CampaignSyncResult(Mode.LIVE.wireName(), r.rows(), null, null, null, o.bucket(), o.key(), o.bytes(),
                o.sha256(), diagnostics);
    }
}

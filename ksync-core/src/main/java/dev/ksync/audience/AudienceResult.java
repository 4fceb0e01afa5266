package dev.ksync.audience;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.store.StoredObject;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncReport;
import java.util.List;
import java.util.Map;

/** What an audience sync answers: dry-run JSON carries the preview, live the stored object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AudienceResult(
        String mode,
        long rows,
        List<String> csvPreview,
        String bucket,
        String key,
        Long bytes,
        String sha256,
        Diagnostics diagnostics) {

    /** The run's figures, as the answer's {@code diagnostics} object spells them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Diagnostics(
            String source,
            String schema,
            long profilesScanned,
            Map<String, Long> profilesDropped,
            boolean includeSuppressed,
            CallStats klaviyoCalls,
            EnrichmentReport enrichment,
            long durationMs) {}

    public static AudienceResult of(SyncReport<AudienceReport> r) {
        AudienceReport d = r.details();
        Diagnostics diagnostics = new Diagnostics(d.source().name().toLowerCase(), d.schema().wireName(),
                d.profilesScanned(), d.profilesDropped(), d.includeSuppressed(), r.klaviyoCalls().orElse(null),
                d.enrichment().orElse(null), r.duration().toMillis());
        StoredObject o = r.stored().orElse(null);
        if (o == null) {
            return new AudienceResult(r.mode().wireName(), r.rows(), r.csvPreview(), null, null, null, null, diagnostics);
        }
        return new AudienceResult(Mode.LIVE.wireName(), r.rows(), null, o.bucket(), o.key(), o.bytes(), o.sha256(),
                diagnostics);
    }
}

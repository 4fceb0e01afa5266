package dev.ksync.audience;

import dev.ksync.audience.AudienceRequest.Source;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the audience job tells of its run, beside what the runner measures.
 *
 * @param profilesDropped profiles left out, by reason ({@code suppressed}, {@code unsubscribed}), in the order met
 */
public record AudienceReport(
        Source source,
        AudienceSchema schema,
        long profilesScanned,
        Map<String, Long> profilesDropped,
        boolean includeSuppressed,
        Optional<EnrichmentReport> enrichment) {
    public AudienceReport {
        profilesDropped = Collections.unmodifiableMap(new LinkedHashMap<>(profilesDropped));
    }
}

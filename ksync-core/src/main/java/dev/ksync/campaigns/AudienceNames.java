package dev.ksync.campaigns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.reporting.ReportCache;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Names of the lists and segments campaigns were sent to, remembered per account for {@link #AGE}: a rerun asks
 * Klaviyo only for ids it has not named lately (a renamed list shows its new name the next day).
 */
final class AudienceNames {
    static final String KIND = "audience-name";
    static final Duration AGE = Duration.ofDays(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AudienceNames() {}

    /** @param account Klaviyo's account id (the cache's key, never the API key) */
    static Map<String, String> of(KlaviyoClient client, Collection<String> ids, ReportCache cache, String account,
                                  Instant now) {
        Map<String, String> names = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : new TreeSet<>(ids)) {
            Optional<String> hit = cache.get(account, KIND, id, "").filter(e -> e.storedAt().plus(AGE).isAfter(now))
                    .flatMap(e -> read(e.value()));
            if (hit.isPresent()) names.put(id, hit.get());
            else missing.add(id);
        }
        CampaignCatalog.audienceNames(client, missing).forEach((id, name) -> {
            names.put(id, name);
            try {
                cache.put(account, KIND, id, "", JSON.writeValueAsString(name), now);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        return names;
    }

    private static Optional<String> read(String json) {
        try {
            return Optional.ofNullable(JSON.readValue(json, String.class));
        } catch (JsonProcessingException e) {
            return Optional.empty(); // unreadable: asked again and replaced
        }
    }
}

package dev.ksync.reporting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.wire.Metric;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The metric whose events count as conversions (Placed Order, Revenue): the request's, else
 * SHOPIFY_PLACED_ORDER_METRIC_ID, else the metric named "Placed Order" (Shopify's first), found in one GET
 * /api/metrics.
 *
 * @param source "request", "env", "metrics" or "cache" (a lookup remembered for the account); {@code how} says it
 *               in words, for diagnostics
 */
public record ConversionMetric(String id, String source, String how) {
    public static final String PLACED_ORDER = "Placed Order";
    /** How long a looked-up metric is trusted: a renamed or new "Placed Order" is seen the next day. */
    public static final Duration CACHE_AGE = Duration.ofDays(1);
    static final String CACHE_KIND = "conversion-metric";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * As {@link #resolve(Optional, Optional, KlaviyoClient)}, with the lookup by name remembered per account for
     * {@link #CACHE_AGE}, so a rerun spends no GET /api/metrics; diagnostics then say it came from the cache.
     *
     * @param account Klaviyo's account id
     */
    public static ConversionMetric resolve(Optional<String> requested, Optional<String> fromEnv, KlaviyoClient client,
                                           ReportCache cache, String account, Instant now) {
        if (requested.isPresent() || fromEnv.isPresent()) return resolve(requested, fromEnv, client);
        Optional<ReportCache.Entry> hit = cache.get(account, CACHE_KIND, "", "")
                .filter(e -> e.storedAt().plus(CACHE_AGE).isAfter(now));
        if (hit.isPresent()) {
            try {
                JsonNode v = JSON.readTree(hit.get().value());
                return new ConversionMetric(v.path("id").asText(), "cache", v.path("how").asText()
                        + ", cached for this account at " + hit.get().storedAt());
            } catch (JsonProcessingException e) {
                // an unreadable entry is looked up again and replaced
            }
        }
        ConversionMetric found = resolve(requested, fromEnv, client);
        cache.put(account, CACHE_KIND, "", "", JSON.createObjectNode().put("id", found.id()).put("how", found.how())
                .toString(), now);
        return found;
    }

    public static ConversionMetric resolve(Optional<String> requested, Optional<String> fromEnv, KlaviyoClient client) {
        if (requested.isPresent()) return new ConversionMetric(requested.get(), "request", "conversionMetricId in the request");
        if (fromEnv.isPresent()) return new ConversionMetric(fromEnv.get(), "env", "SHOPIFY_PLACED_ORDER_METRIC_ID");
        List<Metric> metrics;
        try (Stream<Metric> s = client.list(Listings.METRICS, Query.all())) {
            metrics = s.toList();
        }
        return pick(metrics);
    }

    /** "Placed Order" from Shopify if there is one, else from any integration; ties broken by id. */
    static ConversionMetric pick(List<Metric> metrics) {
        Comparator<Metric> shopifyFirst = Comparator.comparing((Metric m) -> !"shopify".equalsIgnoreCase(m.integrationName()))
                .thenComparing(Metric::id);
        return metrics.stream().filter(m -> PLACED_ORDER.equals(m.name())).min(shopifyFirst)
                .map(m -> new ConversionMetric(m.id(), "metrics", "metric named '" + PLACED_ORDER + "'"
                        + (m.integrationName() == null ? "" : " from " + m.integrationName()) + " (GET /api/metrics)"))
                .orElseThrow(() -> new KsyncException(ErrorKind.UNPROCESSABLE, "conversion_metric_not_found",
                        "This Klaviyo account has no metric named '" + PLACED_ORDER + "'; pass conversionMetricId (or set"
                                + " SHOPIFY_PLACED_ORDER_METRIC_ID) to name the metric that counts as an order.",
                        Map.of("metricsSeen", metrics.size())));
    }
}

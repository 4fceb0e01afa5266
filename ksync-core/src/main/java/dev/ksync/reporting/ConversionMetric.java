package dev.ksync.reporting;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.wire.Metric;
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
 * @param source "request", "env" or "metrics"; {@code how} says it in words, for diagnostics
 */
public record ConversionMetric(String id, String source, String how) {
    public static final String PLACED_ORDER = "Placed Order";

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

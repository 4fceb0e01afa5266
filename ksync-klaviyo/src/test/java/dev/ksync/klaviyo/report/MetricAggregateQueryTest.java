package dev.ksync.klaviyo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric aggregates body writes datetimes in the spec's form, and the client pages Klaviyo's answer. */
class MetricAggregateQueryTest {
    private static final String KEY = "pk_sandbox_aggregates";

    @Test
    void the_body_bounds_the_window_in_the_zone_and_asks_for_the_page_size() {
        JsonNode a = MetricAggregateQuery.of("M1", List.of("count"), Instant.parse("2025-01-01T05:00:00Z"),
                Instant.parse("2025-02-01T05:00:00.25Z"), "America/New_York").pageSize(7).toBody(null).at("/data/attributes");
        assertThat(a.get("filter").toString()).isEqualTo(
                "[\"greater-or-equal(datetime,2025-01-01T00:00:00)\",\"less-than(datetime,2025-02-01T00:00:00.250000)\"]");
        assertThat(a.get("page_size").asInt()).isEqualTo(7);
        assertThat(MetricAggregateQuery.of("M1", List.of("count"), Instant.EPOCH, Instant.EPOCH.plusSeconds(60), "UTC")
                .toBody(null).at("/data/attributes").has("page_size")).isFalse();
    }

    @Test
    void an_answer_of_many_pages_is_read_page_by_page_through_links_next() throws Exception {
        SandboxOptions options = SandboxOptions.defaults().withSeed(7).withProfiles(300).withHistoryDays(45).withApiKey(KEY)
                .withRateLimits(RateLimitMode.OFF);
        try (SandboxServer s = SandboxServer.start(options);
             KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(String.valueOf(s.baseUrl())))
                     .withTimeout(Duration.ofSeconds(5)), ApiKey.of(KEY)).build()) {
            String received = s.data().metricNamed("Received Email").id();
            // a midnight and a clock reading with nanoseconds: the two forms the client used to get wrong
            Instant to = s.data().historyEnd().truncatedTo(ChronoUnit.DAYS);
            Instant from = to.minus(Duration.ofDays(30)).plusNanos(123_456_789);
            MetricAggregateQuery q = MetricAggregateQuery.of(received, List.of("count", "unique"), from, to, "UTC")
                    .by(List.of("$message"));
            MetricAggregate whole = k.metricAggregates(q);
            long before = k.callStats().endpoint("query_metric_aggregates").calls();
            MetricAggregate paged = k.metricAggregates(q.pageSize(2));
            long pages = k.callStats().endpoint("query_metric_aggregates").calls() - before;

            assertThat(whole.data()).hasSizeGreaterThan(4);
            assertThat(pages).isEqualTo((whole.data().size() + 1) / 2);
            assertThat(paged.data()).isEqualTo(whole.data());
            assertThat(paged.dates()).isEqualTo(whole.dates()).hasSize(30);
        }
    }
}

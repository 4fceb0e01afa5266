package dev.ksync.klaviyo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.http.RetryPolicy;
import dev.ksync.klaviyo.report.MetricAggregateQuery;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.Timeframe;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.klaviyo.wire.Campaign;
import dev.ksync.klaviyo.wire.Event;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.FlowAction;
import dev.ksync.klaviyo.wire.Metric;
import dev.ksync.klaviyo.wire.Profile;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, acceptance 1: page every endpoint the client covers against the in-process sandbox,
 * once without and once with 5 % faults (scaled rate limits), and compare.
 */
class SandboxEndToEndTest {
    static final int SCALE = 60;
    static final String KEY = "pk_sandbox_e2e_key";

    static SandboxOptions options(double faults) {
        return SandboxOptions.defaults().withSeed(7).withProfiles(300).withHistoryDays(45).withApiKey(KEY)
                .withRateLimits(RateLimitMode.scaled(SCALE)).withFaults(faults);
    }

    static KlaviyoClient client(URI base, String key) {
        KlaviyoClientConfig cfg = KlaviyoClientConfig.of(base).withRateScale(SCALE).withTimeout(Duration.ofSeconds(2))
                .withRetry(RetryPolicy.DEFAULT.withMaxAttempts(10).withBackoff(Duration.ofMillis(20), Duration.ofMillis(500)));
        return KlaviyoClient.builder(cfg, ApiKey.of(key)).build();
    }

    /** Everything the client can read, as normalised raw JSON per listing (base URLs removed). */
    static Map<String, List<String>> everything(KlaviyoClient k, String base) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, Supplier<List<JsonNode>>> put = (name, s) ->
                out.put(name, s.get().stream().map(n -> n.toString().replace(base, "")).toList());
        put.accept("account", () -> List.of(k.account().raw()));
        put.accept("profiles", () -> k.list(Listings.PROFILES, Query.all().add("additional-fields[profile]", "subscriptions").add("additional-fields[profile]", "predictive_analytics"))
                .map(Profile::raw).toList());
        List<Profile> partitioned = k.list(Listings.PROFILES, Query.all().add("additional-fields[profile]", "subscriptions").sort("created").partitioned(Partitioning.auto())).toList();
        assertThat(partitioned).extracting(Profile::created).isSorted();
        out.put("profiles-partitioned", partitioned.stream().map(Profile::id).sorted().toList());
        out.put("profiles-sequential-ids", k.list(Listings.PROFILES, Query.all()).map(Profile::id).sorted().toList());
        List<Metric> metrics = k.list(Listings.METRICS, Query.all()).toList();
        put.accept("metrics", () -> metrics.stream().map(Metric::raw).toList());
        Instant to = Instant.now().plusSeconds(86400);
        Instant from = to.minus(Duration.ofDays(60));
        put.accept("events", () -> k.list(Listings.EVENTS, Query.all().filter(Filter.greaterOrEqual("datetime", from)).filter(Filter.lessThan("datetime", to)).sort("datetime").add("include", "metric").add("include", "profile"))
                .map(Event::raw).toList());
        out.put("events-partitioned", k.list(Listings.EVENTS, Query.all().sort("datetime").partitioned(Partitioning.between(from, to).withSlices(8)))
                .map(Event::id).toList());
        // two slices of small pages, halved for the idle workers as they go: the same events, each once
        java.util.concurrent.atomic.AtomicInteger slices = new java.util.concurrent.atomic.AtomicInteger();
        out.put("events-halved", k.list(Listings.EVENTS, Query.all().pageSize(20)
                        .partitioned(Partitioning.between(from, to).withSlices(2).halving()), p -> {
                    if (p.last()) slices.incrementAndGet();
                }).map(Event::id).sorted().toList());
        assertThat(slices.get()).as("slices paged, halves included").isGreaterThan(2);
        out.put("events-sequential-ids", k.list(Listings.EVENTS, Query.all().filter(Filter.greaterOrEqual("datetime", from)).filter(Filter.lessThan("datetime", to)).sort("datetime")).map(Event::id).toList());
        List<Flow> flows = k.list(Listings.FLOWS, Query.all()).toList();
        put.accept("flows", () -> flows.stream().map(Flow::raw).toList());
        List<FlowAction> actions = new ArrayList<>();
        flows.forEach(f -> actions.addAll(k.list(Listings.FLOW_ACTIONS, Query.of(f.id())).toList()));
        put.accept("flow-actions", () -> actions.stream().map(FlowAction::raw).toList());
        put.accept("flow-messages", () -> actions.stream().flatMap(a -> k.list(Listings.FLOW_MESSAGES, Query.of(a.id())).map(m -> m.raw())).toList());
        for (String channel : List.of("email", "sms")) {
            List<Campaign> cs = k.list(Listings.campaigns(channel), Query.all()).toList();
            put.accept("campaigns-" + channel, () -> cs.stream().map(Campaign::raw).toList());
            put.accept("campaign-messages-" + channel, () -> cs.stream().flatMap(c -> k.list(Listings.CAMPAIGN_MESSAGES, Query.of(c.id())).map(m -> m.raw())).toList());
        }
        put.accept("lists", () -> k.list(Listings.LISTS, Query.all()).map(l -> l.raw()).toList());
        put.accept("segments", () -> k.list(Listings.SEGMENTS, Query.all()).map(s -> s.raw()).toList());
        put.accept("templates", () -> k.list(Listings.TEMPLATES, Query.all()).map(t -> t.raw()).toList());
        put.accept("tags", () -> k.list(Listings.TAGS, Query.all()).map(t -> t.raw()).toList());
        String placedOrder = metrics.stream().filter(m -> "Placed Order".equals(m.name())).findFirst().orElseThrow().id();
        String opened = metrics.stream().filter(m -> "Opened Email".equals(m.name())).findFirst().orElseThrow().id();
        List<String> stats = List.of("recipients", "opens_unique", "clicks_unique", "conversions", "conversion_value");
        out.put("flow-values", List.of(k.flowValuesReport(ReportRequest.values(stats, Timeframe.key("last_30_days"), placedOrder)).toString()));
        out.put("flow-series", List.of(k.flowSeriesReport(ReportRequest.series(stats, Timeframe.key("last_30_days"), placedOrder, "daily")).toString()));
        out.put("campaign-values", List.of(k.campaignValuesReport(ReportRequest.values(stats, Timeframe.key("last_30_days"), placedOrder)).toString()));
        out.put("metric-aggregates", List.of(k.metricAggregates(MetricAggregateQuery.of(opened, List.of("count", "unique"),
                from, to.minus(Duration.ofDays(1)), "UTC")).toString()));
        return out;
    }

    @Test
    void every_endpoint_pages_the_same_records_with_faults_on_as_without() throws Exception {
        Map<String, List<String>> clean;
        Map<String, List<String>> faulty;
        CallStats faultyStats;
        try (SandboxServer s = SandboxServer.start(options(0.0)); KlaviyoClient k = client(URI.create(String.valueOf(s.baseUrl())), KEY)) {
            clean = everything(k, String.valueOf(s.baseUrl()));
            assertThat(k.callStats().total().failures()).isZero();
        }
        try (SandboxServer s = SandboxServer.start(options(0.05)); KlaviyoClient k = client(URI.create(String.valueOf(s.baseUrl())), KEY)) {
            faulty = everything(k, String.valueOf(s.baseUrl()));
            faultyStats = k.callStats();
        }
        for (String listing : clean.keySet()) {
            assertThat(clean.get(listing)).as(listing + " is not empty").isNotEmpty();
            assertThat(faulty.get(listing)).as(listing).containsExactlyElementsOf(clean.get(listing));
        }
        // partitioned paging gives exactly the sequential records, events even in the same order
        assertThat(clean.get("profiles-partitioned")).isEqualTo(clean.get("profiles-sequential-ids")).hasSize(300);
        assertThat(clean.get("events-partitioned")).isEqualTo(clean.get("events-sequential-ids")).doesNotHaveDuplicates();
        assertThat(clean.get("events-halved")).isEqualTo(clean.get("events-sequential-ids").stream().sorted().toList());
        // every 429 was retried: the run finished, and each throttled answer has a retry
        assertThat(faultyStats.total().retries()).isGreaterThanOrEqualTo(faultyStats.total().throttled());
        assertThat(faultyStats.total().retries()).isPositive();
        assertThat(faultyStats.total().failures()).isZero();
        System.out.println("e2e calls with faults: " + faultyStats.total());
    }

    @Test
    void a_bad_api_key_ends_at_once_with_a_clear_error() throws Exception {
        try (SandboxServer s = SandboxServer.start(options(0.0)); KlaviyoClient k = client(URI.create(String.valueOf(s.baseUrl())), "pk_wrong_key_1234")) {
            assertThatThrownBy(() -> k.list(Listings.PROFILES, Query.all()).toList())
                    .isInstanceOfSatisfying(KlaviyoException.Unauthorized.class, e -> {
                        assertThat(e.getMessage()).startsWith("Klaviyo rejected the API key (401)").doesNotContain("pk_wrong_key_1234");
                        assertThat(e.status()).isEqualTo(401);
                    });
            assertThat(k.callStats().endpoint("get_profiles").calls()).isEqualTo(1);
        }
    }
}

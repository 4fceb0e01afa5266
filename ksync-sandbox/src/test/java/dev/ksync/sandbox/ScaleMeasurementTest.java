package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3, acceptance 5: 1,000,000 profiles start in under 30 s and page through in under 1 GiB.
 * Not part of the normal build (it takes minutes); run with
 * {@code ./mvnw -pl ksync-sandbox -am verify -Dtest=ScaleMeasurementTest -Dksync.scale=true -DargLine=-Xmx1g -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "ksync.scale", matches = "true")
class ScaleMeasurementTest {

    @Test
    void a_million_profiles_start_fast_and_page_through_under_one_gib() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long t0 = System.nanoTime();
        try (SandboxServer s = SandboxServer.start(SandboxOptions.defaults().withProfiles(1_000_000).withRateLimits(RateLimitMode.OFF))) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("1M-profile sandbox started in %.2f s (max heap %d MiB)%n", startSeconds, maxHeap >> 20);
            assertThat(startSeconds).isLessThan(30);
            SandboxClient c = new SandboxClient(s);
            String conv = s.data().metricNamed("Placed Order").id();
            String since = s.data().historyEnd().minus(java.time.Duration.ofDays(7)).toString();
            for (String[] probe : new String[][]{
                    {"GET", "/api/profiles?sort=updated&page[size]=100&filter=" + java.net.URLEncoder.encode("greater-than(updated," + since + ")", java.nio.charset.StandardCharsets.UTF_8)},
                    {"GET", "/api/events?page[size]=1000&sort=-datetime"},
                    {"POST", "/api/flow-values-reports"}}) {
                long tp = System.nanoTime();
                SandboxClient.Answer a = probe[0].equals("GET") ? c.get(probe[1]) : c.post(probe[1],
                        "{\"data\":{\"type\":\"flow-values-report\",\"attributes\":{\"statistics\":[\"recipients\",\"opens_unique\",\"conversion_value\"],"
                                + "\"timeframe\":{\"key\":\"last_30_days\"},\"conversion_metric_id\":\"" + conv + "\"}}}");
                assertThat(a.status()).isEqualTo(200);
                System.out.printf("%s %s: %.2f s%n", probe[0], probe[1].length() > 60 ? probe[1].substring(0, 60) + "…" : probe[1], (System.nanoTime() - tp) / 1e9);
            }
            long t1 = System.nanoTime();
            String next = "/api/profiles?page[size]=100&additional-fields[profile]=subscriptions";
            int n = 0;
            String lastId = "";
            while (next != null) {
                JsonNode page = c.get(next).json();
                for (JsonNode p : page.get("data")) {
                    assertThat(p.get("id").asText()).isGreaterThan(lastId);
                    lastId = p.get("id").asText();
                    n++;
                }
                next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
            }
            double pageSeconds = (System.nanoTime() - t1) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
            }
            System.out.printf("paged %d profiles in %.1f s; peak heap (sum of pool peaks) %d MiB of max %d MiB%n", n, pageSeconds, peak >> 20, maxHeap >> 20);
            assertThat(n).isEqualTo(1_000_000);
            assertThat(maxHeap).isLessThanOrEqualTo(1L << 30);
        }
    }
}

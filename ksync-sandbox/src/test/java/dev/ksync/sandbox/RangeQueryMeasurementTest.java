package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times created/updated range pages the way the sliced benchmark asks for them (first page, a later
 * page, the slice's last page). Opt-in like {@link ScaleMeasurementTest}:
 * {@code ./mvnw -pl ksync-sandbox -am test -Dtest=RangeQueryMeasurementTest -Dksync.scale=true -DargLine=-Xmx1g -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "ksync.scale", matches = "true")
class RangeQueryMeasurementTest {

    @Test
    void created_and_updated_range_pages_cost_a_page_not_a_scan() {
        for (int profiles : new int[]{100_000, 1_000_000}) {
            try (SandboxServer s = SandboxServer.start(SandboxOptions.defaults().withProfiles(profiles).withRateLimits(RateLimitMode.OFF))) {
                SandboxClient c = new SandboxClient(s);
                c.get("/api/profiles?page[size]=100"); // warm up the HTTP path and build the last-event index
                Instant first = s.data().profile(0).created(), last = s.data().profile(profiles - 1).created();
                long span = last.getEpochSecond() - first.getEpochSecond();
                // The fourth of eight slices: a middle slice, so a scan would have work on both sides.
                Instant a = first.plusSeconds(span * 3 / 8), b = first.plusSeconds(span * 4 / 8);
                for (String field : new String[]{"created", "updated"}) {
                    String filter = URLEncoder.encode("greater-than(" + field + "," + a + "),less-than(" + field + "," + b + ")", StandardCharsets.UTF_8);
                    for (String sort : new String[]{field, "-" + field}) {
                        String url = "/api/profiles?page[size]=100&sort=" + sort + "&filter=" + filter;
                        time(profiles, c, url, sort);
                    }
                }
                // An updated range in created order: cut at its upper bound (created <= updated), scanned below it.
                String upd = URLEncoder.encode("greater-than(updated," + a + "),less-than(updated," + b + ")", StandardCharsets.UTF_8);
                time(profiles, c, "/api/profiles?page[size]=100&sort=created&filter=" + upd, "created/upd");
            }
        }
    }

    private static void time(int profiles, SandboxClient c, String url, String label) {
        JsonNode page = c.get(url).json();
        assertThat(page.get("data").size()).isEqualTo(100);
        String second = page.at("/links/next").asText();
        // Walk to the slice's last page (the one that used to scan on to the end of all profiles).
        String lastUrl = second;
        int pages = 1;
        for (String next = second; next != null; pages++) {
            lastUrl = next;
            page = c.get(next).json();
            next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
        }
        System.out.printf("MEASURE %,9d profiles sort=%-9s first page %6.1f ms, a later page %6.1f ms, the last page %6.1f ms (%d pages; medians of 7)%n",
                profiles, label, median(c, url), median(c, second), median(c, lastUrl), pages);
    }

    private static double median(SandboxClient c, String url) {
        double[] ms = new double[7];
        for (int k = 0; k < ms.length; k++) {
            long t0 = System.nanoTime();
            assertThat(c.get(url).status()).isEqualTo(200);
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}

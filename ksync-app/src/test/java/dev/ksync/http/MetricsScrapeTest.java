package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Prometheus scrape is CPU work that grows with the series. Scrapes at once, as many as the JVM has carrier threads
 * for virtual threads and one more, must leave the server reading and answering other requests: /health on fresh
 * connections is answered throughout, none cut unanswered by the idle timeout.
 */
class MetricsScrapeTest {
    private static final byte[] SCRAPE = request("GET /metrics");
    private static final byte[] HEALTH = request("GET /health");

    @RegisterExtension
    static final TestRig rig = TestRig.api().limits(new HttpApi.Limits(Duration.ofSeconds(1), Duration.ofSeconds(10)));

    private static byte[] request(String line) {
        return (line + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void health_is_answered_on_fresh_connections_while_cpu_heavy_scrapes_run() throws Exception {
        // stands in for a registry of very many series: its scrape computes for twice the idle timeout
        Gauge.builder("test.heavy.scrape", () -> {
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return 1;
        }).register(rig.server().ksync.metrics());
        int scrapes = Runtime.getRuntime().availableProcessors() + 1;
        List<CompletableFuture<RawHttp.Answer>> scraped = new ArrayList<>();
        List<String> health = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(scrapes)) {
            for (int i = 0; i < scrapes; i++) {
                scraped.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return rig.server().raw(SCRAPE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, pool));
            }
            while (scraped.stream().anyMatch(f -> !f.isDone())) {
                try {
                    health.add(Integer.toString(rig.server().raw(HEALTH).status()));
                } catch (IOException e) {
                    health.add("no answer: " + e.getMessage());
                }
                Thread.sleep(100); // the next probe on a fresh connection
            }
        }
        assertThat(health).as("/health during the scrapes").isNotEmpty().allMatch("200"::equals);
        for (CompletableFuture<RawHttp.Answer> s : scraped) {
            assertThat(s.join().status()).isEqualTo(200);
            assertThat(s.join().body()).contains("test_heavy_scrape 1.0");
        }
    }
}

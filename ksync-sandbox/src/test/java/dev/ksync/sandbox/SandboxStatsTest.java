package dev.ksync.sandbox;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /__sandbox/stats counts what the sandbox served per API key and operation; POST /__sandbox/stats/reset zeroes it. */
class SandboxStatsTest {
    private static SandboxServer start(RateLimitMode mode) {
        return TestSandboxes.start(TestSandboxes.small().withApiKey("pk_a,pk_b").withRateLimits(mode));
    }

    private static SandboxClient.Answer admin(SandboxClient c, String method, String path, String body) {
        return c.raw(HttpRequest.newBuilder(c.uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void a_known_sequence_with_a_rate_limit_429_and_injected_faults_gives_exactly_those_counts_per_key_and_operation() {
        try (SandboxServer s = start(RateLimitMode.REAL)) { // the clock is fixed: a second call to a 1/s tier is a 429
            SandboxClient a = new SandboxClient(s.baseUrl(), "pk_a");
            SandboxClient b = new SandboxClient(s.baseUrl(), "pk_b");
            assertThat(a.get("/api/accounts").status()).isEqualTo(200);
            assertThat(a.get("/api/accounts").status()).isEqualTo(429);           // rate limit (tier XS: 1/s)
            assertThat(a.get("/api/profiles").status()).isEqualTo(200);
            assertThat(a.get("/api/profiles?page[size]=5").status()).isEqualTo(200);
            assertThat(admin(a, "POST", "/__sandbox/faults", "{\"kind\":\"500\",\"count\":1}").status()).isEqualTo(200);
            assertThat(b.get("/api/profiles").status()).isEqualTo(500);           // injected fault
            assertThat(admin(a, "POST", "/__sandbox/faults", "{\"kind\":\"429\",\"count\":1}").status()).isEqualTo(200);
            assertThat(b.get("/api/metrics").status()).isEqualTo(429);            // forced 429: a fault and a 429
            assertThat(b.get("/api/profiles").status()).isEqualTo(200);
            assertThat(b.get("/api/profiles?sort=nope").status()).isEqualTo(400);  // served, refused: still a request
            assertThat(new SandboxClient(s.baseUrl(), "pk_other").get("/api/profiles").status()).isEqualTo(401); // no key, not counted

            SandboxClient.Answer stats = a.get("/__sandbox/stats");
            assertThat(stats.status()).isEqualTo(200);
            assertThat(stats.header("content-type")).startsWith("application/json");
            assertThat(stats.raw().body()).isEqualTo("{\"keys\":{"
                    + "\"pk_a\":{\"get_accounts\":{\"requests\":2,\"throttled\":1,\"faults\":0},"
                    + "\"get_profiles\":{\"requests\":2,\"throttled\":0,\"faults\":0}},"
                    + "\"pk_b\":{\"get_metrics\":{\"requests\":1,\"throttled\":1,\"faults\":1},"
                    + "\"get_profiles\":{\"requests\":3,\"throttled\":0,\"faults\":1}}}}");
            assertThat(s.stats().get("pk_b").get("get_profiles").requests()).isEqualTo(3);

            assertThat(admin(a, "POST", "/__sandbox/stats/reset", null).status()).isEqualTo(204);
            assertThat(a.get("/__sandbox/stats").raw().body()).isEqualTo("{\"keys\":{}}");
            assertThat(b.get("/api/profiles").status()).isEqualTo(200);
            assertThat(a.get("/__sandbox/stats").raw().body())
                    .isEqualTo("{\"keys\":{\"pk_b\":{\"get_profiles\":{\"requests\":1,\"throttled\":0,\"faults\":0}}}}");
        }
    }

    @Test
    void concurrent_requests_are_all_counted() throws Exception {
        try (SandboxServer s = start(RateLimitMode.OFF)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    SandboxClient c = new SandboxClient(s.baseUrl(), i % 2 == 0 ? "pk_a" : "pk_b");
                    String path = i % 3 == 0 ? "/api/tags" : "/api/accounts";
                    calls.add(pool.submit(() -> c.get(path).status()));
                }
                for (Future<Integer> f : calls) assertThat(f.get()).isEqualTo(200);
            } finally {
                pool.shutdown();
            }
            var stats = s.stats();
            assertThat(stats.keySet()).containsExactly("pk_a", "pk_b");
            long total = stats.values().stream().flatMap(m -> m.values().stream()).mapToLong(o -> o.requests()).sum();
            assertThat(total).isEqualTo(60);
            assertThat(stats.get("pk_a").get("get_tags").requests()).isEqualTo(10); // i = 0, 6, …, 54
            assertThat(stats.get("pk_b").get("get_accounts").requests()).isEqualTo(20);
        }
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A live sync never silently replaces a stored object (issue 9, point 12). */
class AudienceLiveWritesTest {
    private static final String SECRET = "live-writes-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "1000")
            .sandbox(SandboxOptions.defaults().withProfiles(400).withRateLimits(RateLimitMode.OFF));

    static String live(String upload, int maxPages, String extra) {
        return "{\"mode\":\"live\",\"source\":\"klaviyo\",\"accountId\":\"acme\",\"uploadId\":\"" + upload
                + "\",\"pageSize\":10,\"sortBy\":\"created\",\"maxPages\":" + maxPages + extra + "}";
    }

    static Path stored(String upload) {
        return rig.dataDir().resolve("buckets/audience-staging/acme/" + upload + "/subscribers.csv");
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void the_same_live_sync_again_answers_200_with_the_same_object() throws Exception {
        HttpResponse<String> first = rig.server().post("/api/klaviyo/audience-sync", SECRET, live("same", 2, ""));
        HttpResponse<String> again = rig.server().post("/api/klaviyo/audience-sync", SECRET, live("same", 2, ""));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("sha256")).isEqualTo(json.readTree(first.body()).get("sha256"));
    }

    @Test
    void other_content_for_a_taken_key_is_409_object_exists_unless_overwrite() throws Exception {
        HttpResponse<String> first = rig.server().post("/api/klaviyo/audience-sync", SECRET, live("taken", 1, ""));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String firstSha = json.readTree(first.body()).get("sha256").asText();

        HttpResponse<String> other = rig.server().post("/api/klaviyo/audience-sync", SECRET, live("taken", 3, ""));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
        JsonNode err = json.readTree(other.body());
        assertThat(err.get("error").asText()).isEqualTo("object_exists");
        assertThat(err.get("message").asText()).contains("overwrite");
        assertThat(err.get("details").get("existingSha256").asText()).isEqualTo(firstSha);
        assertThat(sha256(stored("taken"))).as("the first object stays").isEqualTo(firstSha);

        HttpResponse<String> replaced = rig.server().post("/api/klaviyo/audience-sync", SECRET,
                live("taken", 3, ",\"overwrite\":true"));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(sha256(stored("taken"))).isEqualTo(json.readTree(replaced.body()).get("sha256").asText())
                .isNotEqualTo(firstSha);
    }

    @Test
    void of_20_concurrent_live_syncs_to_one_key_with_different_parameters_exactly_one_wins() throws Exception {
        int writers = 20;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 1; i <= writers; i++) {
                String body = live("race", i, ""); // 10 to 200 profiles: every writer's file differs
                answers.add(pool.submit(() -> {
                    go.await();
                    return rig.server().post("/api/klaviyo/audience-sync", SECRET, body);
                }));
            }
            go.countDown();
            List<JsonNode> won = new ArrayList<>();
            int conflicts = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    won.add(json.readTree(r.body()));
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                    assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("object_exists");
                    conflicts++;
                }
            }
            assertThat(won).hasSize(1);
            assertThat(conflicts).isEqualTo(writers - 1);
            assertThat(sha256(stored("race"))).isEqualTo(won.getFirst().get("sha256").asText());
            assertThat(Files.size(stored("race"))).isEqualTo(won.getFirst().get("bytes").asLong());
        }
    }
}

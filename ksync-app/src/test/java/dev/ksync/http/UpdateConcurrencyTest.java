package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KSYNC_MAX_CONCURRENT_UPDATES: each running update holds a pooled connection for its key's lock, so one past the
 * limit that would start work is refused at once with 429 {@code too_many_updates} and Retry-After instead of
 * draining the pool; a call on a key already running or done takes no slot; the slot comes back when the running
 * update answers.
 */
class UpdateConcurrencyTest {
    private static final String SECRET = "busy-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KSYNC_MAX_CONCURRENT_UPDATES", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF).withLatencyMs(300));

    private static HttpResponse<String> update(String account) {
        try {
            return rig.server().get("/api/dashboard/update?mode=live&accountId=" + account + "&days=3&idempotency="
                    + account + "-1&token=" + SECRET, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean running(String account) {
        return rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from idempotency_keys where account_id = :a and state = 'running'")
                .bind("a", account).mapTo(Integer.class).one()) > 0;
    }

    @Test
    void an_update_past_the_limit_answers_429_with_retry_after_and_runs_once_a_slot_is_free() throws Exception {
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> update("first"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!running("first")) {
            assertThat(first).as("the first update is still running when the second arrives").isNotDone();
            assertThat(System.nanoTime()).as("the first update started").isLessThan(deadline);
            Thread.onSpinWait();
        }

        HttpResponse<String> refused = update("second");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        JsonNode e = json.readTree(refused.body());
        assertThat(e.path("error").asText()).isEqualTo("too_many_updates");
        assertThat(e.path("details").path("limit").asInt()).isEqualTo(1);
        assertThat(e.path("message").asText()).contains("KSYNC_MAX_CONCURRENT_UPDATES");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
        assertThat(first).as("the refusal came while the first still ran").isNotDone();
        // a call on the running key takes no slot: it answers the key's own 409 (in progress), not the limit's 429
        HttpResponse<String> sameKey = update("first");
        assertThat(sameKey.statusCode()).as(sameKey.body()).isEqualTo(409);

        assertThat(first.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        HttpResponse<String> later = update("second");
        assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
    }
}

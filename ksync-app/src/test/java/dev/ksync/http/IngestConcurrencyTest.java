package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KSYNC_MAX_CONCURRENT_INGESTS: each running ingest holds a pooled connection per datasource it loads at once, so one
 * past the limit is refused at once with 429 {@code too_many_ingests} and Retry-After instead of draining the pool;
 * the slot comes back when the running ingest answers.
 */
class IngestConcurrencyTest {
    private static final String SECRET = "ingest-busy-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KSYNC_MAX_CONCURRENT_INGESTS", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(50).withHistoryDays(30).withRateLimits(RateLimitMode.OFF));

    private static HttpResponse<String> ingest(String account) {
        try {
            return rig.server().post("/api/ingest", SECRET,
                    "{\"mode\":\"inc\",\"accountId\":\"" + account + "\",\"only\":[\"templates\"]}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Jdbi jdbi() {
        return rig.server().ksync.database().jdbi();
    }

    /** A run is inside its slot, waiting to write its first log row behind the test's lock. */
    private static boolean waitingOnTheLog() {
        return jdbi().withHandle(h -> h.createQuery("select count(*) from pg_locks l join pg_class c on c.oid ="
                + " l.relation where c.relname = 'ingestion_log' and not l.granted").mapTo(Integer.class).one()) > 0;
    }

    @Test
    void an_ingest_past_the_limit_answers_429_with_retry_after_and_runs_once_the_slot_is_free() throws Exception {
        CompletableFuture<HttpResponse<String>> first;
        // The hold: a transaction of the test's own locks ingestion_log against writes, so the first run stops at its
        // first step (logging the start), holding its slot, until the test lets it go.
        try (Handle hold = jdbi().open()) {
            hold.begin();
            hold.execute("lock table ingestion_log in share mode");
            first = CompletableFuture.supplyAsync(() -> ingest("first"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!waitingOnTheLog()) {
                assertThat(first).as("the first ingest waits behind the lock").isNotDone();
                assertThat(System.nanoTime()).as("the first ingest started").isLessThan(deadline);
                Thread.onSpinWait();
            }

            // bounded: were it let in, it would wait behind the lock too, and the test would hang, not fail
            HttpResponse<String> refused = CompletableFuture.supplyAsync(() -> ingest("second")).get(30, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            JsonNode e = json.readTree(refused.body());
            assertThat(e.path("error").asText()).isEqualTo("too_many_ingests");
            assertThat(e.path("details").path("limit").asInt()).isEqualTo(1);
            assertThat(e.path("message").asText()).contains("KSYNC_MAX_CONCURRENT_INGESTS");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(first).as("the refusal came while the first still ran").isNotDone();
            // a mistake in the request is the caller's to fix, not a reason to retry later: 400 even when full
            HttpResponse<String> wrong = CompletableFuture.supplyAsync(() -> {
                try {
                    return rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"only\":[\"tempaltes\"]}");
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
            assertThat(json.readTree(wrong.body()).path("details").path("field").asText()).isEqualTo("only");
            hold.rollback();
        }

        HttpResponse<String> done = first.get(120, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        HttpResponse<String> later = ingest("second");
        assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
        assertThat(json.readTree(later.body()).path("datasources").get(0).path("status").asText()).isEqualTo("success");
    }
}

package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Stopping a node": SIGTERM to {@code ksync serve} on its embedded PostgreSQL answers the requests in flight
 * against the database, and stops the database only after them.
 */
class ServeStopTest {
    private static final String SECRET = "serve-stop-secret";
    /** Every Klaviyo call takes this long: an update started before the stop still has calls to make, then writes. */
    private static final int LATENCY_MS = 1000;
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    static SandboxServer sandbox;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startSandbox() {
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(50).withRateLimits(RateLimitMode.OFF)
                .withLatencyMs(LATENCY_MS));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void sigterm_answers_a_live_update_in_flight_against_the_embedded_database_and_stops_the_database_after_it()
            throws Exception {
        HttpResponse<String> answer;
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            HttpResponse<String> add = http.send(request(serve, "/api/accounts")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"acme\",\"klaviyoApiKey\":\"pk_sandbox\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(add.statusCode()).as(add.body()).isBetween(200, 201);
            assertThat(sandbox.stats()).as("no Klaviyo call before the update").isEmpty();
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(request(serve, "/api/dashboard/update")
                    .header("x-idempotency-key", "stop-key")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"live\",\"accountId\":\"acme\",\"days\":3}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            // in flight once Klaviyo has seen its first call: the update still has calls to make, then its writes
            ChildKsync.await("the update's first Klaviyo call", Duration.ofSeconds(60), () -> !sandbox.stats().isEmpty());
            assertThat(inFlight).as("the update answered before the stop could come").isNotDone();

            serve.stop(); // SIGTERM: the JVM runs its shutdown hooks

            answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(serve.output()).as("the database stopped after the drain, not under it")
                    .doesNotContain("terminating connection due to administrator command", "Interrupted during connection");
        }
        assertThat(json.readTree(answer.body()).path("status").asText()).isEqualTo("ready");
        assertThat(Files.exists(dataDir.resolve("pg/postmaster.pid"))).as("the embedded PostgreSQL stopped").isFalse();
        assertNoPostgresLeft();

        // The run was committed: its idempotency key answers with the same snapshot, from a one-shot command that
        // starts the embedded database and stops it again when it ends.
        ChildKsync.Finished again = ChildKsync.finish(dataDir, env(), "update", "--mode", "live", "--account-id", "acme",
                "--days", "3", "--idempotency-key", "stop-key");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("idempotency key already done", answer.body());
        assertNoPostgresLeft();
    }

    /**
     * No live process names this data directory on its command line (the postmaster does: {@code -D …/pg}); awaited,
     * since pg_ctl's wait ends when the pid file is gone, a moment before the postmaster's own exit.
     */
    private void assertNoPostgresLeft() throws InterruptedException {
        String pg = dataDir.resolve("pg").toString();
        ChildKsync.await("no PostgreSQL of " + pg + " left", Duration.ofSeconds(10), () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(pg)));
    }

    private static Map<String, String> env() {
        return Map.of("ADMIN_JOB_SECRET", SECRET, "KLAVIYO_ENABLE", "true", "KLAVIYO_BASE_URL", sandbox.baseUrl());
    }

    private static HttpRequest.Builder request(ChildKsync serve, String path) {
        return HttpRequest.newBuilder(URI.create(serve.url + path)).header("x-admin-job-secret", SECRET)
                .header("content-type", "application/json").timeout(Duration.ofSeconds(60));
    }
}

package dev.ksync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 point 10: {@code ksync serve} in a child JVM on its own data directory is killed with {@code kill -9} (alone,
 * or together with its PostgreSQL) during a live sync; a restart on the same directory becomes ready by itself and
 * what was committed before is intact. A graceful stop leaves no PostgreSQL process behind.
 */
class CrashRecoveryTest {
    private static final String SECRET = "crash-test-secret";
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    static SandboxServer sandbox;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startSandbox() {
        // Slow pages, so that a 5,000-profile live sync is still writing when the server is killed.
        sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(5000).withRateLimits(RateLimitMode.OFF)
                .withLatencyMs(100));
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void point10_kill_9_of_serve_during_a_live_sync_then_restart_is_ready_with_data_intact() throws Exception {
        Committed before;
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            before = commitSomething(serve);
            killDuringLiveSync(serve);
            assertThat(postmaster()).as("the server's PostgreSQL outlives a kill -9 of the JVM").isPresent();
        }
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            assertIntact(serve, before);
            serve.stop();
        }
        assertNoPostgresLeft();
    }

    @Test
    void point10_kill_9_of_serve_and_its_postmaster_then_restart_is_ready_with_data_intact() throws Exception {
        Committed before;
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            before = commitSomething(serve);
            ProcessHandle pg = postmaster().orElseThrow();
            killDuringLiveSync(serve);
            pg.destroyForcibly();
            pg.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(Files.exists(dataDir.resolve("pg/postmaster.pid"))).as("stale pid file left behind").isTrue();
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            assertIntact(serve, before);
        }
    }

    @Test
    void point10_stale_postmaster_pid_naming_a_live_unrelated_process_does_not_block_start() throws Exception {
        Committed before;
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            before = commitSomething(serve);
            ProcessHandle pg = postmaster().orElseThrow();
            serve.kill9();
            pg.destroyForcibly();
            pg.onExit().get(30, TimeUnit.SECONDS);
        }
        Path pidFile = dataDir.resolve("pg/postmaster.pid");
        List<String> lines = Files.readAllLines(pidFile);
        Process unrelated = new ProcessBuilder("sleep", "600").start(); // alive, and not a postgres
        try {
            lines.set(0, Long.toString(unrelated.pid()));
            Files.write(pidFile, lines);
            try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
                assertIntact(serve, before);
            }
            assertThat(unrelated.isAlive()).as("the unrelated process is left alone").isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void point10_graceful_stop_leaves_no_postgres_process_of_the_data_directory() throws Exception {
        List<ProcessHandle> processes;
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            ProcessHandle pg = postmaster().orElseThrow();
            processes = pg.descendants().toList(); // checkpointer, walwriter, sessions...
            assertThat(processes).isNotEmpty();
            // A second ksync process attaches to the running server and must not stop it when it ends.
            ChildKsync.run(dataDir, env("ACME_KEY", "pk_sandbox_acme"), "accounts", "add", "acme", "--key-env", "ACME_KEY");
            assertThat(get(serve, "/ready").statusCode()).isEqualTo(200);
            assertThat(get(serve, "/api/accounts").body()).contains("acme");
            serve.stop();
            // pg_ctl's wait ends when the pid file is gone, a moment before the postmaster's own exit
            pg.onExit().get(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle p : processes) {
            p.onExit().get(10, TimeUnit.SECONDS);
        }
        assertNoPostgresLeft();
    }

    @Test
    void point9_database_down_answers_503_database_unavailable_in_about_2_s() throws Exception {
        try (ChildKsync serve = ChildKsync.serve(dataDir, env())) {
            assertThat(get(serve, "/api/accounts").statusCode()).isEqualTo(200); // the pool holds live sessions
            ProcessHandle pg = postmaster().orElseThrow();
            pg.destroyForcibly();
            pg.onExit().get(30, TimeUnit.SECONDS);

            long start = System.nanoTime();
            HttpResponse<String> ready = get(serve, "/ready");
            long readyMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            HttpResponse<String> accounts = get(serve, "/api/accounts");
            long accountsMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(accounts.statusCode()).as(accounts.body()).isEqualTo(503);
            assertThat(json.readTree(accounts.body()).get("error").asText()).isEqualTo("database_unavailable");
            assertThat(readyMs).as("ms for /ready").isLessThan(4_000);
            assertThat(accountsMs).as("ms for /api/accounts").isLessThan(4_000);
        }
    }

    /** An account (the database) and a finished live sync (the object store), committed before the crash. */
    private record Committed(Path object, String sha256) {}

    private static Committed commitSomething(ChildKsync serve) throws Exception {
        HttpResponse<String> add = post(serve, "/api/accounts", "{\"id\":\"acme\",\"klaviyoApiKey\":\"pk_sandbox\"}");
        assertThat(add.statusCode()).as(add.body()).isBetween(200, 201);
        HttpResponse<String> sync = post(serve, "/api/klaviyo/audience-sync", liveSync("2025-01-01T00-00-00Z", 1));
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        JsonNode b = json.readTree(sync.body());
        Path object = serve.dataDir.resolve("buckets/audience-staging").resolve(b.get("key").asText());
        return new Committed(object, b.get("sha256").asText());
    }

    /** Starts a long live sync and kills the server with SIGKILL once the sync is writing its temporary file. */
    private static void killDuringLiveSync(ChildKsync serve) throws Exception {
        CompletableFuture<HttpResponse<String>> running = http.sendAsync(
                request(serve, "/api/klaviyo/audience-sync").POST(HttpRequest.BodyPublishers.ofString(
                        liveSync("2025-01-02T00-00-00Z", 50))).build(), HttpResponse.BodyHandlers.ofString());
        Path bucket = serve.dataDir.resolve("buckets/audience-staging");
        ChildKsync.await("a live sync writing its temporary file", Duration.ofSeconds(60), () -> hasTemporary(bucket));
        assertThat(running).isNotDone();
        serve.kill9();
    }

    private static void assertIntact(ChildKsync serve, Committed before) throws Exception {
        assertThat(get(serve, "/ready").statusCode()).isEqualTo(200);
        assertThat(get(serve, "/api/accounts").body()).contains("\"acme\"");
        assertThat(sha256(before.object())).isEqualTo(before.sha256());
        HttpResponse<String> again = post(serve, "/api/klaviyo/audience-sync", liveSync("2025-01-03T00-00-00Z", 1));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }

    private Optional<ProcessHandle> postmaster() {
        return Optional.ofNullable(pidOf(dataDir.resolve("pg/postmaster.pid"))).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive);
    }

    /** No live process names this data directory on its command line (the postmaster does: {@code -D …/pg}). */
    private void assertNoPostgresLeft() {
        String pg = dataDir.resolve("pg").toString();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(pg))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList()).isEmpty();
    }

    /** The child's environment: this test's data directory is set by ChildKsync; the sandbox and the secret here. */
    private static Map<String, String> env(String... more) {
        Map<String, String> e = new java.util.HashMap<>(Map.of("ADMIN_JOB_SECRET", SECRET, "KLAVIYO_ENABLE", "true",
                "KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_API_KEY", "pk_sandbox"));
        for (int i = 0; i < more.length; i += 2) {
            e.put(more[i], more[i + 1]);
        }
        return e;
    }

    private static String liveSync(String uploadId, int maxPages) {
        return "{\"mode\":\"live\",\"format\":\"json\",\"source\":\"klaviyo\",\"schema\":\"required\","
                + "\"accountId\":\"acme\",\"uploadId\":\"" + uploadId + "\",\"pageSize\":100,\"maxPages\":" + maxPages + "}";
    }

    private static boolean hasTemporary(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(".ksync-tmp-"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a file renamed while walking
        }
    }

    private static Long pidOf(Path pidFile) {
        try {
            return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static HttpRequest.Builder request(ChildKsync serve, String path) {
        return HttpRequest.newBuilder(URI.create(serve.url + path)).header("x-admin-job-secret", SECRET)
                .header("content-type", "application/json").timeout(Duration.ofSeconds(60));
    }

    private static HttpResponse<String> get(ChildKsync serve, String path) throws Exception {
        return http.send(request(serve, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ChildKsync serve, String path, String body) throws Exception {
        return http.send(request(serve, path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

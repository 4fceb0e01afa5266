package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshots;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snapshot processed by hand ({@code POST /api/snapshots/process}) whose run dies mid-way (its database session ends,
 * as a kill -9's does) is left processing; the account's snapshot list shows it failed as abandoned at once, not only
 * after the next update past KSYNC_MAX_DURATION_S.
 */
class ProcessKilledSnapshotTest {
    private static final String SECRET = "process-killed-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .sandbox(SandboxOptions.defaults().withProfiles(60).withRateLimits(RateLimitMode.OFF));

    @Test
    void a_snapshot_whose_process_run_died_lists_as_failed_abandoned_at_once() throws Exception {
        HttpResponse<String> update = rig.server().get("/api/dashboard/update?mode=live&accountId=acme&days=3&token="
                + SECRET, null);
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        JsonNode made = json.readTree(update.body());
        long id = made.path("snapshotId").asLong();
        // the upload's flows.csv becomes a FIFO: the processor opens it inside its transaction and reads until the
        // test lets it, so its run is caught mid-processing
        Path flows = rig.server().ksync.config().dataDir().resolve("buckets").resolve(made.path("bucket").asText())
                .resolve(made.path("keys").path("flows").asText());
        Files.delete(flows);
        assertThat(new ProcessBuilder("mkfifo", flows.toString()).inheritIO().start().waitFor()).isZero();

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> process = threads.submit(() -> rig.server().post("/api/snapshots/process",
                    SECRET, "{\"snapshotId\":" + id + "}"));
            Future<OutputStream> opened = threads.submit(() -> Files.newOutputStream(flows)); // once the run reads it
            while (!opened.isDone()) {
                if (process.isDone()) {
                    throw new AssertionError("the process run ended before reading flows.csv: " + process.get().body());
                }
                Thread.sleep(50);
            }
            try (OutputStream writer = opened.get()) {
                // the run dies: its session, in the middle of the processing transaction, ends as a killed
                // process's would (the timeout makes the call wait until it is gone)
                int killed = rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery(
                                "select count(*) filter (where pg_terminate_backend(a.pid, 60000))"
                                        + " from pg_stat_activity a where a.state like 'idle in transaction%'"
                                        + " and a.pid <> pg_backend_pid() and a.datname = current_database()"
                                        + " and exists (select 1 from pg_locks l where l.pid = a.pid"
                                        + " and l.relation = 'snapshots'::regclass)")
                        .mapTo(Integer.class).one());
                assertThat(killed).as("the process run's session").isEqualTo(1);

                HttpResponse<String> list = rig.server().get("/api/snapshots?accountId=acme", SECRET);
                assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
                JsonNode s = StreamSupport.stream(json.readTree(list.body()).path("snapshots").spliterator(), false)
                        .filter(n -> n.path("id").asLong() == id).findFirst().orElseThrow();
                assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("failed");
                assertThat(s.path("error").asText()).isEqualTo(Snapshots.ABANDONED_PROCESSING);
            } // the run's thread goes on, on its broken session, and ends
            process.get(120, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }
}

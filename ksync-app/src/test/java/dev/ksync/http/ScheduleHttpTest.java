package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.db.TestPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The schedules over HTTP: GET /api/schedules, enabling accounts and their nightly options, nightly metrics. */
class ScheduleHttpTest {
    private static final String SECRET = "admin-secret-for-tests";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        // every second, so the running scheduler's fan-out comes within the test; a 1 s poll picks it up
        server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", SECRET,
                "KSYNC_NIGHTLY_CRON", "* * * * * *", "KSYNC_INGEST_CRON", "30 1 * * *",
                "KSYNC_SCHEDULER_POLL_S", "1", "KSYNC_SCHEDULER_HEARTBEAT_S", "1"));
        server.ksync.accounts().add(new AccountId("acme"), "Acme", new Secret("pk_test_0123456789abcd"));
        server.ksync.accounts().add(new AccountId("beta"), "Beta", new Secret("pk_test_0123456789efgh"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> patch(String path, String body) throws Exception {
        return server.send(HttpRequest.newBuilder(server.uri(path))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").header("x-admin-job-secret", SECRET));
    }

    @Test
    void schedules_need_the_admin_secret() throws Exception {
        HttpResponse<String> r = server.get("/api/schedules", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json.readTree(r.body()).has("error")).isTrue();
    }

    @Test
    void schedules_show_each_cron_in_utc_and_ingest_when_its_cron_is_set() throws Exception {
        HttpResponse<String> r = server.get("/api/schedules", SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        JsonNode schedules = body.get("schedules");
        assertThat(schedules.findValuesAsText("name")).containsExactly("nightly", "cleanup", "ingest");
        assertThat(schedules.get(0).get("cron").asText()).isEqualTo("* * * * * *");
        assertThat(schedules.get(0).get("nextRun").asText()).endsWith("Z");
        assertThat(schedules.get(1).get("cron").asText()).isEqualTo("0 2 * * *");
        assertThat(schedules.get(2).get("cron").asText()).isEqualTo("30 1 * * *");
        assertThat(schedules.get(2).get("enabled").asBoolean()).isTrue();
        assertThat(schedules.get(2).get("nextRun").asText()).endsWith("T01:30:00Z");
        assertThat(body.get("thisNode").get("threads").asInt()).isEqualTo(4);
    }

    @Test
    void patch_disables_an_account_and_sets_its_nightly_options() throws Exception {
        HttpResponse<String> r = patch("/api/accounts/beta",
                "{\"enabled\":false,\"nightlyDays\":7,\"nightlyAudienceSchema\":\"extended\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = json.readTree(r.body());
        assertThat(a.get("enabled").asBoolean()).isFalse();
        assertThat(a.get("nightly").get("days").asInt()).isEqualTo(7);
        assertThat(a.get("nightly").get("audienceSchema").asText()).isEqualTo("extended");
        assertThat(a.get("nightly").get("timeframeKey").isNull()).isTrue();

        // null goes back to the default; a field left out stays
        r = patch("/api/accounts/beta", "{\"nightlyDays\":null,\"enabled\":true}");
        a = json.readTree(r.body());
        assertThat(a.get("enabled").asBoolean()).isTrue();
        assertThat(a.get("nightly").get("days").isNull()).isTrue();
        assertThat(a.get("nightly").get("audienceSchema").asText()).isEqualTo("extended");
        assertThat(server.ksync.accounts().find(new AccountId("beta")).orElseThrow().enabled()).isTrue();
    }

    @Test
    void patch_refuses_bad_options_and_unknown_accounts() throws Exception {
        HttpResponse<String> r = patch("/api/accounts/beta", "{\"nightlyDays\":31}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("details").get("field").asText()).isEqualTo("nightlyDays");
        r = patch("/api/accounts/beta", "{\"nightlyTimeframeKey\":\"fortnight\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = patch("/api/accounts/beta", "{\"nightlyDays\":3,\"nightlyTimeframeKey\":\"last_7_days\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = patch("/api/accounts/beta", "{\"enabled\":\"no\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = patch("/api/accounts/nobody", "{\"enabled\":false}");
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void a_started_scheduler_runs_the_nightly_fan_out_and_reports_each_account_run() throws Exception {
        server.ksync.scheduler().start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode runs;
            do {
                Thread.sleep(100); // polls for what the running scheduler brings about
                runs = json.readTree(server.get("/api/schedules", SECRET).body()).get("nightly").get("latestDay");
                assertThat(System.nanoTime()).as("nightly runs reported within 60 s").isLessThan(deadline);
            } while (runs.size() < 2 || runs.findValuesAsText("status").stream()
                    .anyMatch(s -> s.equals("scheduled") || s.equals("running")));
            assertThat(runs.findValuesAsText("accountId")).containsExactly("acme", "beta");
            assertThat(runs.get(0).get("attempts").asInt()).isEqualTo(1);
            JsonNode body = json.readTree(server.get("/api/schedules", SECRET).body());
            assertThat(body.get("thisNode").get("schedulerRunning").asBoolean()).isTrue();
            assertThat(body.get("schedules").get(0).get("lastRun").isNull()).isFalse();

            String metrics = server.get("/metrics", null).body();
            String outcome = runs.get(0).get("status").asText();
            assertThat(metrics).contains("ksync_nightly_runs_seconds_count{account=\"acme\",outcome=\"" + outcome + "\"}");
        } finally {
            server.ksync.scheduler().close();
        }
    }
}

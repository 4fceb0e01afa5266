package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.FaultKind;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /api/ingest and GET /api/ingest/log against a sandbox: answers, validation errors and a failed run. */
class IngestHttpTest {
    private static final String SECRET = "ingest-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).sandbox(
            SandboxOptions.defaults().withProfiles(200).withHistoryDays(30)
            .withRateLimits(RateLimitMode.parse("off")));

    @Test
    void an_inc_run_answers_per_datasource_with_windows_in_the_runbook_form_and_the_log_shows_it() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"accountId\":\"shop\",\"only\":[\"templates\",\"metrics\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("schema").asText()).isEqualTo("klaviyo_shop");
        assertThat(body.path("datasources")).hasSize(2);
        JsonNode t = body.path("datasources").get(0);
        assertThat(t.path("name").asText()).isEqualTo("templates");
        assertThat(t.path("table").asText()).isEqualTo("klaviyo_email_templates");
        assertThat(t.path("window").path("start").asText()).isEqualTo("2025-09-01T00:00:00.000000");
        assertThat(t.path("window").path("end").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000000");
        assertThat(t.path("status").asText()).isEqualTo("success");
        assertThat(t.has("rows") && t.has("durationMs") && t.has("error")).isTrue();

        HttpResponse<String> log = rig.server().get("/api/ingest/log?accountId=shop", SECRET);
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(json.readTree(log.body()).path("entries")).hasSize(2);
        assertThat(rig.server().get("/api/ingest/log", null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_users_datasources_file_is_checked_and_each_problem_names_its_entry() throws Exception {
        String unknownName = "{\"mode\":\"inc\",\"datasources\":\"inc_datasources:\\n  - name: orders\\n    table_name: t\\n"
                + "    config_file: klaviyo_lists_load.yml\\n    incremental_field: updated\\n    incremental_field_connector: updated\\n"
                + "    default_start_time: \\\"2025-09-01T00:00:00.000000\\\"\\n    workflow_name: w\\n    mode: append\\n\"}";
        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET, unknownName);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).path("message").asText()).contains("inc_datasources[0]").contains("orders");

        String noField = "{\"mode\":\"inc\",\"datasources\":{\"inc_datasources\":[{\"name\":\"profiles\",\"table_name\":\"p\","
                + "\"config_file\":\"klaviyo_profiles_load.yml\",\"default_start_time\":\"2025-09-01T00:00:00.000000\","
                + "\"workflow_name\":\"w\",\"mode\":\"append\"}]}}";
        r = rig.server().post("/api/ingest", SECRET, noField);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = json.readTree(r.body());
        assertThat(err.path("error").asText()).isEqualTo("invalid_datasources");
        assertThat(err.path("message").asText()).contains("inc_datasources[0] (profiles)").contains("incremental_field");

        r = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"weekly\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"only\":[\"orders\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("only");
    }

    @Test
    void a_datasources_file_with_a_key_twice_answers_400_naming_the_key_and_its_line() throws Exception {
        String twice = "{\"mode\":\"inc\",\"datasources\":\"inc_datasources:\\n  - name: templates\\n"
                + "    table_name: t\\n    config_file: klaviyo_email_templates_load.yml\\n    incremental_field: updated\\n"
                + "    incremental_field_connector: updated\\n    default_start_time: \\\"2025-09-01T00:00:00.000000\\\"\\n"
                + "    default_start_time: \\\"2024-09-01T00:00:00.000000\\\"\\n    workflow_name: w\\n    mode: append\\n\"}";
        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET, twice);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode err = json.readTree(r.body());
        assertThat(err.path("error").asText()).isEqualTo("invalid_datasources");
        assertThat(err.path("message").asText())
                .startsWith("the datasources file has default_start_time twice in inc_datasources[0] (line 8)");
    }

    /** A one-entry inc file as JSON: {@code name} with the built-in's settings, into {@code table}. */
    private static String oneEntry(String account, String name, String config, String table) {
        return "{\"mode\":\"inc\",\"accountId\":\"" + account + "\",\"datasources\":{\"inc_datasources\":[{\"name\":\""
                + name + "\",\"table_name\":\"" + table + "\",\"config_file\":\"" + config + "\","
                + "\"incremental_field\":\"updated\",\"incremental_field_connector\":\"updated\","
                + "\"default_start_time\":\"2024-01-01T00:00:00.000000\",\"workflow_name\":\"w\",\"mode\":\"append\"}]}}";
    }

    @Test
    void a_datasource_whose_table_holds_another_sources_records_answers_400_before_any_work() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET, oneEntry("mix", "lists", "klaviyo_lists_load.yml", "mixed"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long rows = json.readTree(r.body()).path("datasources").get(0).path("rows").asLong();
        assertThat(rows).isPositive();
        int logged = json.readTree(rig.server().get("/api/ingest/log?accountId=mix", SECRET).body()).path("entries").size();

        r = rig.server().post("/api/ingest", SECRET, oneEntry("mix", "templates", "klaviyo_email_templates_load.yml", "mixed"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode err = json.readTree(r.body());
        assertThat(err.path("error").asText()).isEqualTo("table_of_another_source");
        assertThat(err.path("message").asText()).startsWith("inc_datasources[0] (templates): table klaviyo_mix.mixed holds"
                + " lists records, not templates");
        assertThat(err.path("details").path("entry").asText()).isEqualTo("inc_datasources[0]");
        assertThat(err.path("details").path("holds").asText()).isEqualTo("lists");
        assertThat(json.readTree(rig.server().get("/api/ingest/log?accountId=mix", SECRET).body()).path("entries"))
                .as("nothing started").hasSize(logged);
        long held = rig.pg().database().jdbi().withHandle(h -> h.createQuery("select count(*) from klaviyo_mix.mixed")
                .mapTo(Long.class).one());
        assertThat(held).isEqualTo(rows);
    }

    @Test
    void a_datasource_the_database_refuses_answers_502_with_the_sqlstate_and_not_the_statement() throws Exception {
        rig.pg().database().jdbi().useHandle(h -> {
            h.execute("create schema klaviyo_dbfail");
            h.execute("create sequence klaviyo_dbfail.klaviyo_email_templates_ksync_key");
        });
        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET,
                "{\"mode\":\"inc\",\"accountId\":\"dbfail\",\"only\":\"templates\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(json.readTree(r.body()).path("message").asText()).startsWith("Ingesting templates failed: the database"
                + " refused the load (SQLState 42P07): relation \"klaviyo_email_templates_ksync_key\" already exists");
        assertThat(r.body()).doesNotContain("statement", "create unique index", "Exception");
    }

    @Test
    void a_run_with_a_failed_datasource_answers_502_with_every_result() throws Exception {
        rig.sandbox().injectFaults(FaultKind.ERROR_500, 6);
        HttpResponse<String> r;
        try {
            r = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"accountId\":\"broken\",\"only\":\"templates\"}");
        } finally {
            rig.sandbox().clearFaults();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode err = json.readTree(r.body());
        assertThat(err.path("error").asText()).isEqualTo("ingest_failed");
        assertThat(err.path("details").path("datasources").get(0).path("status").asText()).isEqualTo("error");
        assertThat(err.path("message").asText()).startsWith("Ingesting templates failed: Klaviyo failed on get_templates (500)")
                .endsWith("nothing was loaded, and the next run starts each where it was");
        assertThat(r.body()).doesNotContain("pk_sandbox");
    }

    @Test
    void a_run_whose_database_connection_drops_answers_503_database_unavailable_and_the_next_run_loads() throws Exception {
        String run = "{\"mode\":\"inc\",\"accountId\":\"dropped\",\"only\":\"templates\"}";
        rig.sandbox().injectFaults(FaultKind.SLOW, 1, "get_templates");
        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return rig.server().post("/api/ingest", SECRET, run);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the window's transaction waits on the slow call, holding its run's mark (IngestionLog.live): its connection
        // is dropped; not the run's schema transaction before it, whose advisory lock a poll may also catch idle
        Instant until = Instant.now().plusSeconds(30);
        int terminated = 0;
        while (terminated == 0 && Instant.now().isBefore(until) && !pending.isDone()) {
            terminated = rig.pg().database().jdbi().withHandle(h -> h.createQuery("""
                    select count(pg_terminate_backend(a.pid)) from pg_stat_activity a
                    where a.pid <> pg_backend_pid() and a.state like 'idle in transaction%'
                      and exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory'
                        and l.objsubid = 2 and l.classid = hashtext('ksync.ingest.run')::oid)""")
                    .mapTo(Integer.class).one());
            Thread.sleep(20);
        }
        assertThat(terminated).as("the ingest's connection was found mid-window").isEqualTo(1);
        HttpResponse<String> r = pending.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode err = json.readTree(r.body());
        assertThat(err.path("error").asText()).isEqualTo("database_unavailable");
        assertThat(err.path("message").asText()).startsWith("Ingesting templates failed: the database did not answer");
        JsonNode result = err.path("details").path("datasources").get(0);
        assertThat(result.path("status").asText()).isEqualTo("error");
        assertThat(result.has("failure")).as("not part of the answer").isFalse();

        HttpResponse<String> again = rig.server().post("/api/ingest", SECRET, run);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        HttpResponse<String> steady = rig.server().post("/api/ingest", SECRET, run.replace("dropped", "steady"));
        long rows = json.readTree(steady.body()).path("datasources").get(0).path("rows").asLong();
        assertThat(rows).isPositive();
        assertThat(json.readTree(again.body()).path("datasources").get(0).path("rows").asLong())
                .as("the rerun loads the whole window, as a run never interrupted").isEqualTo(rows);
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PRODUCT.md §1: a {@code klaviyoApiKey} in a request body serves a call that names no registered account. With no
 * key in the environment, the dashboard update's and the raw ingestion's POST bodies carry it as the sync bodies do:
 * it reaches the sandbox, a registered account's own key wins over it, and a wrong one is Klaviyo's 401 in an answer,
 * a log line, an ingestion log row or a stored idempotency answer that never holds the key.
 */
class KlaviyoApiKeyBodyHttpTest {
    private static final String SECRET = "body-key-secret";
    private static final String WRONG_KEY = "pk_wrong_BODYSECRET_4321";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_API_KEY", "")
            .sandbox(SandboxOptions.defaults().withProfiles(200).withHistoryDays(30)
                    .withRateLimits(RateLimitMode.OFF));

    @Test
    void without_a_key_anywhere_update_and_ingest_answer_400_naming_klaviyoApiKey() throws Exception {
        HttpResponse<String> update = refusedNamingTheKey("/api/dashboard/update", "{\"mode\":\"dry-run\",\"fast\":true}");
        HttpResponse<String> ingest = refusedNamingTheKey("/api/ingest", "{\"mode\":\"inc\",\"only\":[\"metrics\"]}");

        assertThat(List.of(update, ingest)).allSatisfy(r -> assertThat(json.readTree(r.body()).path("message").asText())
                .contains("pass klaviyoApiKey"));
    }

    @Test
    void an_accountId_that_is_not_registered_and_no_key_answers_404_not_registered_on_every_klaviyo_route()
            throws Exception {
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("/api/klaviyo/flow-sync", "{\"accountId\":\"nosuch\"}");
        bodies.put("/api/klaviyo/campaign-sync", "{\"accountId\":\"nosuch\"}");
        bodies.put("/api/klaviyo/audience-sync", "{\"source\":\"klaviyo\",\"accountId\":\"nosuch\"}");
        bodies.put("/api/dashboard/update", "{\"mode\":\"dry-run\",\"fast\":true,\"accountId\":\"nosuch\"}");
        bodies.put("/api/ingest", "{\"mode\":\"inc\",\"only\":[\"metrics\"],\"accountId\":\"nosuch\"}");

        for (Map.Entry<String, String> b : bodies.entrySet()) {
            HttpResponse<String> r = rig.server().post(b.getKey(), SECRET, b.getValue());
            assertThat(r.statusCode()).as(b.getKey() + " " + r.body()).isEqualTo(404);
            JsonNode e = json.readTree(r.body());
            assertThat(e.path("error").asText()).isEqualTo("not_found");
            assertThat(e.path("message").asText()).as(b.getKey()).contains("account 'nosuch' is not registered")
                    .doesNotContain("klaviyoApiKey");
        }
    }

    @Test
    void POST_update_dry_run_with_klaviyoApiKey_in_the_body_reaches_klaviyo_with_it() throws Exception {
        rig.sandbox().resetStats();

        HttpResponse<String> r = rig.server().post("/api/dashboard/update", SECRET,
                "{\"mode\":\"dry-run\",\"fast\":true,\"days\":7,\"klaviyoApiKey\":\"" + TestRig.SANDBOX_KEY + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).path("rows").path("flows").asLong()).isPositive();
        assertThat(rig.sandbox().stats()).containsOnlyKeys(TestRig.SANDBOX_KEY);
        // without a label the rows would land in the environment key's schema
        HttpResponse<String> unnamed = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"only\":[\"metrics\"],"
                + "\"klaviyoApiKey\":\"" + TestRig.SANDBOX_KEY + "\"}");
        assertThat(unnamed.statusCode()).as(unnamed.body()).isEqualTo(400);
        assertThat(json.readTree(unnamed.body()).path("message").asText()).startsWith("accountId is missing")
                .doesNotContain(TestRig.SANDBOX_KEY);
        assertThat(r.body()).doesNotContain(TestRig.SANDBOX_KEY);
    }

    @Test
    void POST_update_live_with_klaviyoApiKey_makes_a_snapshot_and_its_stored_answer_holds_no_key() throws Exception {
        HttpResponse<String> r = rig.server().send(HttpRequest.newBuilder(rig.server().uri("/api/dashboard/update"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"live\",\"accountId\":\"walk-in\",\"days\":3,"
                        + "\"klaviyoApiKey\":\"" + TestRig.SANDBOX_KEY + "\"}"))
                .header("content-type", "application/json").header("x-admin-job-secret", SECRET)
                .header("x-idempotency-key", "walk-in-1"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(rig.server().ksync.snapshots().newestReady(new AccountId("walk-in"))).isPresent();
        assertThat(storedIdempotencyRows()).singleElement().satisfies(row -> assertThat(row)
                .contains("walk-in-1").doesNotContain(TestRig.SANDBOX_KEY));
    }

    @Test
    void POST_ingest_with_klaviyoApiKey_in_the_body_loads_with_it() throws Exception {
        rig.sandbox().resetStats();

        HttpResponse<String> r = rig.server().post("/api/ingest", SECRET, "{\"mode\":\"inc\",\"accountId\":\"walk-in\","
                + "\"only\":[\"templates\",\"metrics\"],\"klaviyoApiKey\":\"" + TestRig.SANDBOX_KEY + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = json.readTree(r.body());
        assertThat(report.path("datasources")).hasSize(2)
                .allSatisfy(d -> assertThat(d.path("status").asText()).isEqualTo("success"));
        assertThat(rig.sandbox().stats()).containsOnlyKeys(TestRig.SANDBOX_KEY);
        assertThat(r.body()).doesNotContain(TestRig.SANDBOX_KEY);
    }

    @Test
    void a_registered_accounts_own_key_wins_over_the_bodys_as_in_the_sync_routes() throws Exception {
        rig.server().ksync.accounts().add(new AccountId("known"), "Known", new Secret(TestRig.SANDBOX_KEY));
        String key = ",\"klaviyoApiKey\":\"" + WRONG_KEY + "\"}";

        HttpResponse<String> update = rig.server().post("/api/dashboard/update", SECRET,
                "{\"mode\":\"dry-run\",\"accountId\":\"known\",\"fast\":true" + key);
        HttpResponse<String> ingest = rig.server().post("/api/ingest", SECRET,
                "{\"mode\":\"inc\",\"accountId\":\"known\",\"only\":\"metrics\"" + key);

        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
    }

    @Test
    void a_wrong_key_answers_klaviyos_401_and_neither_answers_nor_logs_nor_the_ingestion_log_hold_it()
            throws Exception {
        HttpResponse<String> update;
        HttpResponse<String> ingest;
        List<String> lines;
        try (LogCapture logs = new LogCapture()) {
            update = rig.server().post("/api/dashboard/update", SECRET,
                    "{\"mode\":\"dry-run\",\"fast\":true,\"klaviyoApiKey\":\"" + WRONG_KEY + "\"}");
            ingest = rig.server().post("/api/ingest", SECRET,
                    "{\"mode\":\"inc\",\"accountId\":\"wrong-key\",\"only\":[\"metrics\"],\"klaviyoApiKey\":\""
                            + WRONG_KEY + "\"}");
            lines = logs.lines();
        }

        assertThat(update.statusCode()).as(update.body()).isEqualTo(502);
        JsonNode u = json.readTree(update.body());
        assertThat(u.path("error").asText()).isEqualTo("klaviyo_unauthorized");
        assertThat(u.path("details").path("klaviyoStatus").asInt()).isEqualTo(401);
        assertThat(u.path("details").path("producer").asText()).isEqualTo("flows");
        assertThat(u.path("message").asText()).contains("API key");

        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(502);
        JsonNode i = json.readTree(ingest.body());
        assertThat(i.path("error").asText()).isEqualTo("ingest_failed");
        assertThat(i.path("details").path("datasources").get(0).path("error").asText())
                .contains("rejected the API key (401)");
        assertThat(i.path("message").asText()).as("the one cause of every failure heads the answer")
                .contains("failed: Klaviyo rejected the API key (401)").contains("nothing was loaded");

        assertThat(lines).as("the failures were logged").anyMatch(l -> l.contains("(401)"));
        HttpResponse<String> log = rig.server().get("/api/ingest/log?accountId=wrong-key", SECRET);
        assertThat(json.readTree(log.body()).path("entries").get(0).path("error").asText()).contains("401");
        for (String text : List.of(update.body(), ingest.body(), log.body(), String.join("\n", lines))) {
            assertThat(text).doesNotContain("BODYSECRET");
        }
    }

    @Test
    void a_klaviyoApiKey_that_is_not_a_string_is_a_400_that_does_not_echo_it() throws Exception {
        HttpResponse<String> update = refusedNamingTheKey("/api/dashboard/update",
                "{\"klaviyoApiKey\":[\"pk_ARRAYSECRET\"]}");
        HttpResponse<String> ingest = refusedNamingTheKey("/api/ingest",
                "{\"mode\":\"inc\",\"klaviyoApiKey\":{\"k\":\"pk_ARRAYSECRET\"}}");

        assertThat(update.body()).doesNotContain("ARRAYSECRET");
        assertThat(ingest.body()).doesNotContain("ARRAYSECRET");
    }

    /** The POST's answer, checked to be a 400 naming {@code klaviyoApiKey}. */
    private static HttpResponse<String> refusedNamingTheKey(String path, String body) throws Exception {
        HttpResponse<String> r = rig.server().post(path, SECRET, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json.readTree(r.body()).path("details").path("field").asText()).isEqualTo("klaviyoApiKey");
        return r;
    }

    /** Every stored idempotency key row, all its columns as text. */
    private static List<String> storedIdempotencyRows() {
        return rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery(
                "select account_id || ' ' || key || ' ' || fingerprint || ' ' || coalesce(convert_from(answer, 'UTF8'),"
                        + " '') from idempotency_keys").mapTo(String.class).list());
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Audience Sync runbook's curl examples, sent as written to ksync's API pointed at the sandbox. */
class AudienceHttpTest {
    private static final String SECRET = "runbook-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "1000")
            .sandbox(SandboxOptions.defaults().withProfiles(1500).withRateLimits(RateLimitMode.OFF));

    @Test
    void runbook_dry_run_json_answers_rows_preview_and_diagnostics() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {
                  "mode": "dry-run",
                  "format": "json",
                  "source": "klaviyo",
                  "schema": "required",
                  "pageSize": 100,
                  "maxPages": 1
                }""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("mode").asText()).isEqualTo("dry-run");
        assertThat(b.get("rows").asInt()).isBetween(1, 100);
        assertThat(b.get("csvPreview").get(0).asText()).startsWith("Email,Klaviyo ID,First Name,Last Name,Email Marketing Consent,Email Suppressions");
        assertThat(b.get("csvPreview")).hasSize(11);
        assertThat(b.get("diagnostics").get("profilesScanned").asInt()).isEqualTo(100);
        assertThat(b.get("diagnostics").get("klaviyoCalls").get("endpoints").get("get_profiles").get("calls").asInt())
                .isEqualTo(1);
        assertThat(rig.server().get("/metrics", null).body())
                .containsPattern("ksync_klaviyo_calls_seconds_count\\{operation=\"get_profiles\",status=\"200\"} [1-9]");
    }

    @Test
    void runbook_dry_run_csv_streams_the_file() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {
                  "mode": "dry-run",
                  "format": "csv",
                  "source": "klaviyo",
                  "schema": "required",
                  "pageSize": 200,
                  "maxPages": 2
                }""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        String[] lines = r.body().split("\r\n");
        assertThat(lines[0]).startsWith("Email,Klaviyo ID").endsWith("Expected Date Of Next Order");
        assertThat(lines.length - 1).isBetween(200, 400); // 400 scanned, unsubscribed and suppressed left out
    }

    @Test
    void runbook_live_write_lands_in_the_audience_staging_bucket() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {
                  "mode": "live",
                  "format": "json",
                  "source": "klaviyo",
                  "schema": "required",
                  "accountId": "acc_canary_1",
                  "uploadId": "2025-09-17T01-00-00Z",
                  "pageSize": 500,
                  "maxPages": 10
                }""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("mode").asText()).isEqualTo("live");
        assertThat(b.get("bucket").asText()).isEqualTo("audience-staging");
        assertThat(b.get("key").asText()).isEqualTo("acc_canary_1/2025-09-17T01-00-00Z/subscribers.csv");
        Path file = rig.dataDir().resolve("buckets/audience-staging/acc_canary_1/2025-09-17T01-00-00Z/subscribers.csv");
        assertThat(Files.size(file)).isEqualTo(b.get("bytes").asLong());
        assertThat(b.get("sha256").asText()).hasSize(64);
        assertThat(b.get("rows").asLong()).isEqualTo(Files.readAllLines(file).size() - 1);
        assertThat(b.get("diagnostics").get("profilesScanned").asInt()).isEqualTo(1500); // 5000 asked, 1500 exist
    }

    @Test
    void klaviyo_calls_need_the_admin_secret() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", null, "{\"source\":\"klaviyo\"}");
        assertThat(r.statusCode()).isEqualTo(401);
        HttpResponse<String> body = rig.server().post("/api/klaviyo/audience-sync", null,
                "{\"profiles\":[{\"id\":\"P1\",\"email\":\"a@b.c\"}]}");
        assertThat(body.statusCode()).as("profiles from the body touch neither Klaviyo nor storage").isEqualTo(200);
    }

    @Test
    void a_rejected_key_answers_502_naming_the_key_problem_but_never_the_key() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET,
                "{\"source\":\"klaviyo\",\"klaviyoApiKey\":\"pk_wrong_SECRETVALUE_1234\",\"maxPages\":1}");
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode b = json.readTree(r.body());
        assertThat(b.get("error").asText()).isEqualTo("klaviyo_unauthorized");
        assertThat(b.get("message").asText()).contains("API key");
        assertThat(b.get("details").get("klaviyoStatus").asInt()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("SECRETVALUE");
    }

    @Test
    void a_csv_request_that_fails_at_klaviyo_gets_a_json_error_not_a_truncated_file() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET,
                "{\"source\":\"klaviyo\",\"format\":\"csv\",\"klaviyoApiKey\":\"pk_wrong_key_5678\"}");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(json.readTree(r.body()).get("error").asText()).isEqualTo("klaviyo_unauthorized");
    }

    @Test
    void a_profile_email_given_as_an_object_is_400_naming_its_path_not_a_csv_cell_of_json() throws Exception {
        // used to answer 200 with {"x":1} in the Email cell, and a bad profile's code was invalid_profiles_0_
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", null,
                "{\"format\":\"csv\",\"profiles\":[{\"email\":{\"x\":1}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json.readTree(r.body());
        assertThat(e.get("error").asText()).isEqualTo("invalid_profiles_email");
        assertThat(e.get("details").get("field").asText()).isEqualTo("profiles[0].email");
        assertThat(e.get("details").get("allowed").asText()).isEqualTo("text (a string)");
        HttpResponse<String> notObject = rig.server().post("/api/klaviyo/audience-sync", null,
                "{\"profiles\":[{\"email\":\"a@x.com\"},\"b@x.com\"]}");
        assertThat(notObject.statusCode()).as(notObject.body()).isEqualTo(400);
        assertThat(json.readTree(notObject.body()).get("error").asText()).isEqualTo("invalid_profiles");
        assertThat(json.readTree(notObject.body()).get("details").get("field").asText()).isEqualTo("profiles[1]");
    }

    @Test
    void bad_fields_answer_400_naming_them() throws Exception {
        for (String body : new String[] {"{\"source\":\"klaviyo\",\"pageSize\":5000}",
                "{\"source\":\"klaviyo\",\"schema\":\"everything\"}", "{\"source\":\"klaviyo\",\"mode\":\"live\"}",
                "{\"source\":\"klaviyo\",\"maxPages\":-2}", "{\"source\":\"profiles\"}", "{\"pagesize\":5}"}) {
            HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("message").asText()).as(body).contains("allowed");
        }
    }
}

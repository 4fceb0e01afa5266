package dev.ksync.http;

import static dev.ksync.http.RunbookAnswers.assertPinned;
import static dev.ksync.http.RunbookAnswers.withoutTimings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The runbook's three curl examples answer exactly what they answered before the sync runner (timings aside). */
class AudienceRunbookPinTest {
    private static final String SECRET = "runbook-secret";

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "1000")
            .sandbox(SandboxOptions.defaults().withProfiles(RunbookAnswers.PROFILES).withRateLimits(RateLimitMode.OFF),
                    RunbookAnswers.SANDBOX_CLOCK);

    @Test
    void dry_run_json_answer_is_unchanged() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {"mode": "dry-run", "format": "json", "source": "klaviyo", "schema": "required",
                 "pageSize": 100, "maxPages": 1}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertPinned("http-dry-run.json", withoutTimings(r.body()));
    }

    @Test
    void dry_run_csv_answer_is_unchanged() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {"mode": "dry-run", "format": "csv", "source": "klaviyo", "schema": "required",
                 "pageSize": 200, "maxPages": 2}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
        assertThat(r.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"subscribers.csv\"");
        assertPinned("http-dry-run.csv", r.body());
    }

    @Test
    void live_answer_and_stored_object_are_unchanged() throws Exception {
        HttpResponse<String> r = rig.server().post("/api/klaviyo/audience-sync", SECRET, """
                {"mode": "live", "format": "json", "source": "klaviyo", "schema": "required",
                 "accountId": "acc_canary_1", "uploadId": "2025-09-17T01-00-00Z", "pageSize": 500, "maxPages": 10}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertPinned("http-live.json", withoutTimings(r.body()));
        assertPinned("live-subscribers.csv", Files.readString(
                rig.dataDir().resolve("buckets/audience-staging/acc_canary_1/2025-09-17T01-00-00Z/subscribers.csv")));
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An account whose key the sandbox rejects (401): its nightly run fails at once, is not retried, and logs one line
 * naming the account's task instance; an HTTP update of it logs one WARN line naming the account. Neither logs a stack
 * trace (the failure is expected) or the key.
 */
class RejectedKeyFailureTest {
    private static final String SECRET = "s";
    private static final String REJECTED_KEY = "pk_rejected_by_the_sandbox";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .env("KSYNC_NIGHTLY_CRON", "* * * * * *").env("KSYNC_SCHEDULER_POLL_S", "1")
            .env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(50).withRateLimits(RateLimitMode.OFF));

    @Test
    void a_nightly_run_with_a_rejected_key_fails_at_once_without_retries_and_logs_one_line_naming_the_account()
            throws Exception {
        var ksync = rig.server().ksync;
        ksync.accounts().add(new AccountId("brand-bad"), "Bad", new Secret(REJECTED_KEY));
        JsonNode nightly;
        try (LogCapture logs = new LogCapture()) {
            ksync.scheduler().start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                do {
                    Thread.sleep(100); // polls for what the running scheduler brings about
                    nightly = json.readTree(rig.server().get("/api/schedules", SECRET).body()).get("nightly");
                    assertThat(System.nanoTime()).as("the failed run handled within 120 s: %s", nightly)
                            .isLessThan(deadline);
                } while (!run(nightly, "brand-bad").path("status").asText().equals("failed")
                        || nightly.get("running").size() > 0);
            } finally {
                ksync.scheduler().close();
            }
            JsonNode run = run(nightly, "brand-bad");
            String day = run.get("day").asText();
            assertThat(nightly.get("pending")).as("no retry waits").isEmpty();
            assertThat(run.get("attempts").asInt()).isEqualTo(1);
            assertThat(run.get("error").asText()).contains("(401)");

            List<String> lines = logs.lines();
            List<String> named = lines.stream().filter(l -> l.contains("brand-bad/" + day)).toList();
            assertThat(named).singleElement().asString()
                    .startsWith("dev.ksync.schedule.TaskFailures nightly-account brand-bad/" + day
                            + " failed (attempt 1; gives up: not retried, it needs fixing first): klaviyo_unauthorized: ")
                    .contains("(401)");
            assertThat(lines).noneMatch(l -> l.contains("Unhandled exception"))
                    .noneMatch(l -> l.startsWith("dev.ksync.error.KsyncException")) // no stack trace
                    .noneMatch(l -> l.contains(REJECTED_KEY));
        }
    }

    @Test
    void a_failed_http_update_logs_one_warning_naming_the_account_and_the_error() throws Exception {
        rig.server().ksync.accounts().add(new AccountId("brand-http"), "Http", new Secret(REJECTED_KEY));
        try (LogCapture logs = new LogCapture()) {
            HttpResponse<String> r = rig.server().post("/api/dashboard/update", SECRET,
                    "{\"mode\":\"dry-run\",\"accountId\":\"brand-http\"}");
            assertThat(r.statusCode()).isEqualTo(502);
            String code = json.readTree(r.body()).get("error").asText();

            List<String> lines = logs.lines();
            assertThat(lines.stream().filter(l -> l.startsWith("dev.ksync.http.UpdateRoutes ")))
                    .singleElement().asString()
                    .startsWith("dev.ksync.http.UpdateRoutes Update of brand-http (dry-run) failed: " + code + ": ")
                    .contains("(401)");
            assertThat(lines).noneMatch(l -> l.startsWith("dev.ksync.error.KsyncException")) // no stack trace
                    .noneMatch(l -> l.contains(REJECTED_KEY));
        }
    }

    /** The account's entry in the board's latest nightly day, or a missing node. */
    private static JsonNode run(JsonNode nightly, String account) {
        for (JsonNode r : nightly.get("latestDay")) {
            if (r.get("accountId").asText().equals(account)) {
                return r;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}

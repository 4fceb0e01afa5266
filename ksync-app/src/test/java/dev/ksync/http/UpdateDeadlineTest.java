package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshot;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KSYNC_MAX_DURATION_S: a live update that cannot finish in time (1 s against a sandbox answering in 400 ms a call)
 * answers 504 {@code deadline_exceeded} and leaves no ready snapshot, no series or totals rows and no claimed key.
 */
class UpdateDeadlineTest {
    private static final String SECRET = "deadline-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KSYNC_MAX_DURATION_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF).withLatencyMs(400));

    @Test
    void an_update_past_its_deadline_answers_504_and_leaves_no_snapshot_series_or_key() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = rig.server().get("/api/dashboard/update?mode=live&accountId=slow&days=3"
                + "&idempotency=slow-1&token=" + SECRET, null);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
        JsonNode e = json.readTree(r.body());
        assertThat(e.path("error").asText()).isEqualTo("deadline_exceeded");
        assertThat(e.path("details").path("maxDurationS").asInt()).isEqualTo(1);
        assertThat(e.path("message").asText()).contains("KSYNC_MAX_DURATION_S");
        // stopped at the deadline, not after the producers' own ~4 s (subscribers alone take 3 pages × 400 ms + …)
        assertThat(tookMs).isLessThan(3_500);

        var ksync = rig.server().ksync;
        List<Snapshot> made = ksync.snapshots().list(new AccountId("slow"));
        assertThat(made).isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(Snapshot.Status.FAILED));
        int rows = ksync.database().jdbi().withHandle(h -> h.createQuery("select (select count(*) from snapshot_series"
                + " se join snapshots s on s.id = se.snapshot_id where s.account_id = 'slow') + (select count(*)"
                + " from snapshot_totals t join snapshots s on s.id = t.snapshot_id where s.account_id = 'slow')")
                .mapTo(Integer.class).one());
        assertThat(rows).isZero();
        int keys = ksync.database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from idempotency_keys where account_id = 'slow'").mapTo(Integer.class).one());
        assertThat(keys).as("the failed run released its key").isZero();
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Incremental continuation: when the nightly update of an account finishes, its completed backfill is extended to
 * yesterday and run, so the days since it ended are added (and nothing else changes).
 */
class BackfillNightlyTest {
    @RegisterExtension
    static final TestRig rig = TestRig.api().secret("s")
            .env("KSYNC_NIGHTLY_CRON", "* * * * * *").env("KSYNC_SCHEDULER_POLL_S", "1")
            .env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withHistoryDays(30).withRateLimits(RateLimitMode.OFF));

    @Test
    void the_nightly_run_extends_a_completed_backfill_to_yesterday() throws Exception {
        var ksync = rig.server().ksync;
        AccountId acme = new AccountId("acme");
        ksync.accounts().add(acme, "Acme", new Secret(TestRig.SANDBOX_KEY));
        ksync.backfill().start(acme, new BackfillParams(1, true, true));
        assertThat(ksync.backfill().work(acme)).isNull(); // run here, before the scheduler starts
        JsonNode full = ksync.backfill().status(acme).json();
        assertThat(full.path("status").asText()).isEqualTo("completed");
        LocalDate end = LocalDate.parse(full.path("end_date").asText());

        // as if it had completed two days ago: its last two days are not there yet
        ksync.database().jdbi().useTransaction(h -> {
            for (String t : java.util.List.of("backfill_orders", "backfill_flow_daily", "backfill_campaign_daily")) {
                h.createUpdate("delete from " + t + " where account_id = 'acme' and day > :d").bind("d", end.minusDays(2))
                        .execute();
            }
            h.createUpdate("""
                    update backfill_status set last_day = last_day - 2, days_total = days_total - 2,
                        days_done = days_done - 2,
                        orders = (select count(*) from backfill_orders where account_id = 'acme'),
                        revenue = (select coalesce(sum(value), 0) from backfill_orders where account_id = 'acme')
                    where account_id = 'acme'""").execute();
        });
        assertThat(ksync.backfill().status(acme).json().path("end_date").asText()).isEqualTo(end.minusDays(2).toString());

        ksync.scheduler().start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            JsonNode s;
            do {
                assertThat(Instant.now()).as("the backfill extended within 120 s").isBefore(deadline);
                Thread.sleep(200); // waits on the running scheduler, not on time
                s = ksync.backfill().status(acme).json();
            } while (!(s.path("status").asText().equals("completed") && s.path("end_date").asText().equals(end.toString())));
            assertThat(ksync.snapshots().newestReady(acme)).as("the nightly update ran").isPresent();
            assertThat(s.path("days_completed").asInt()).isEqualTo(s.path("days_total").asInt()).isEqualTo(7);
            assertThat(s.path("start_date")).isEqualTo(full.path("start_date"));
            assertThat(s.path("counts").path("orders")).isEqualTo(full.path("counts").path("orders"));
            assertThat(s.path("revenue").decimalValue()).isEqualByComparingTo(full.path("revenue").decimalValue());
            assertThat(s.path("validation").path("mismatches")).isEmpty();
        } finally {
            ksync.scheduler().close();
        }
    }
}

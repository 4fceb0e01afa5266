package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schedule drives the real orchestrator: with the nightly cron firing every second, each enabled account gets one
 * ready snapshot for the day (later firings replay its nightly-YYYY-MM-DD key), and a disabled account gets none.
 */
class NightlyEndToEndTest {
    @RegisterExtension
    static final TestRig rig = TestRig.api().secret("s")
            .env("KSYNC_NIGHTLY_CRON", "* * * * * *").env("KSYNC_SCHEDULER_POLL_S", "1")
            .env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF));

    @Test
    void the_nightly_schedule_makes_one_ready_snapshot_per_enabled_account_and_day() throws Exception {
        var ksync = rig.server().ksync;
        AccountId acme = new AccountId("acme");
        AccountId off = new AccountId("off");
        ksync.accounts().add(acme, "Acme", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().add(off, "Off", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().setEnabled(off, false);
        ksync.scheduler().start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            while (ksync.snapshots().newestReady(acme).isEmpty()) {
                assertThat(Instant.now()).as("a ready nightly snapshot within 120 s").isBefore(deadline);
                Thread.sleep(200); // waits on the running scheduler, not on time
            }
            Thread.sleep(3_000); // three more firings of the cron: each must replay, not work again
        } finally {
            ksync.scheduler().close();
        }
        List<Snapshot> made = ksync.snapshots().list(acme);
        assertThat(made).hasSize(1);
        assertThat(made.getFirst().status()).isEqualTo(Snapshot.Status.READY);
        assertThat(ksync.snapshots().list(off)).isEmpty();
    }
}

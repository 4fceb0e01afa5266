package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PRODUCT.md §1 on the scheduled cleanup: without KLAVIYO_ENABLE=true it removes nothing, as the nightly and ingest
 * schedules call no Klaviyo; its run fails with {@code klaviyo_disabled}, the log says what to set, and the board shows
 * it failed.
 */
class ScheduledCleanupGateTest {
    private static final String SECRET = "cleanup-gate-secret";

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KSYNC_CLEANUP_CRON", "* * * * * *")
            .env("KSYNC_SCHEDULER_POLL_S", "1").env("KSYNC_SCHEDULER_HEARTBEAT_S", "1");

    @Test
    void without_KLAVIYO_ENABLE_the_scheduled_cleanup_removes_nothing_and_its_run_shows_failed() throws Exception {
        // an upload past the 30-day retention, which a cleanup allowed to write would remove
        rig.ksync().database().jdbi().useHandle(h -> h.execute("insert into uploads (id, account_id, bucket,"
                + " created_at) values ('old-upload', 'shop', 'data-ingest', now() - interval '60 days')"));
        try (ScheduleWatch watch = new ScheduleWatch(rig.server(), SECRET)) {
            rig.ksync().scheduler().start();
            try {
                watch.awaitOutcome("cleanup", "failed");
            } finally {
                rig.ksync().scheduler().close();
            }
            assertThat(watch.lines()).anySatisfy(line -> assertThat(line)
                    .contains("The scheduled cleanup (KSYNC_CLEANUP_CRON) needs KLAVIYO_ENABLE=true"));
        }
        long kept = rig.ksync().database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from uploads where id = 'old-upload'").mapTo(Long.class).one());
        assertThat(kept).isEqualTo(1);
    }
}

package dev.ksync.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.sync.Mode;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live update whose node dies mid-run (its database sessions end, as a kill -9's do) leaves its snapshot created;
 * the account's snapshot list shows it failed as abandoned at once, not after KSYNC_MAX_DURATION_S, while a live run's
 * snapshot stays created.
 */
class UpdateKilledSnapshotTest {
    private static final AccountId ACCOUNT = new AccountId("acme");

    @RegisterExtension
    static final TestRig rig = TestRig.cli()
            .sandbox(SandboxOptions.defaults().withProfiles(60).withRateLimits(RateLimitMode.OFF));

    @Test
    void a_snapshot_whose_update_died_lists_as_failed_abandoned_while_a_live_ones_stays_created() throws Exception {
        // no idempotency key: the snapshot's own mark, not a key's lock, says whether its run lives
        UpdateRequest req = new UpdateRequest(Mode.LIVE, Optional.of(ACCOUNT), Optional.of(3), Optional.empty(),
                false, Optional.empty(), null, Optional.empty());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Ksync nodeA = Ksync.start(AppConfig.load(rig.env()));
             Ksync nodeB = Ksync.start(AppConfig.load(rig.env()))) {
            UpdateProgress stall = new UpdateProgress() {
                @Override
                public void expect(String producer, long total) { }

                @Override
                public void progress(String producer, long count) {
                    if (!producer.equals("flows")) return;
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Future<UpdateAnswer> run = thread.submit(() -> nodeA.orchestrator().run(req, stall));
            while (!inside.await(1, TimeUnit.SECONDS)) {
                if (run.isDone()) {
                    throw new AssertionError("node A's update ended before producing: " + run.get());
                }
            }

            assertThat(nodeB.snapshots().list(ACCOUNT)).as("a live run's snapshot").singleElement()
                    .extracting(Snapshot::status).isEqualTo(Snapshot.Status.CREATED);

            // node A dies: every session of it holding an advisory lock ends, as a killed process's would (the
            // timeout makes the call wait until the session is gone)
            int killed = nodeB.database().jdbi().withHandle(h -> h.createQuery(
                            "select count(*) filter (where pg_terminate_backend(pid, 60000)) from pg_locks"
                                    + " where locktype = 'advisory'"
                                    + " and granted and pid <> pg_backend_pid() and database ="
                                    + " (select oid from pg_database where datname = current_database())")
                    .mapTo(Integer.class).one());
            assertThat(killed).as("node A's session holding its snapshot's mark").isEqualTo(1);

            assertThat(nodeB.snapshots().list(ACCOUNT)).singleElement().satisfies(s -> {
                assertThat(s.status()).isEqualTo(Snapshot.Status.FAILED);
                assertThat(s.error()).contains(Snapshots.ABANDONED);
            });

            release.countDown(); // node A's thread ends on its broken session
            catchThrowable(() -> run.get(120, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            thread.shutdownNow();
        }
    }
}

package dev.ksync.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import dev.ksync.http.TestRig;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.sync.Mode;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that dies the moment its update's snapshot is committed ready (before it answers) must not make the next
 * run under the same key produce a second ready snapshot: the key's answer is committed with the ready status, so
 * the other node replays the dead run's answer instead of taking the key over.
 */
class UpdateCrashAfterReadyTest {
    private static final String KEY = "crash-after-ready";
    private static final AccountId ACCOUNT = new AccountId("acme");
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.cli()
            .sandbox(SandboxOptions.defaults().withProfiles(60).withRateLimits(RateLimitMode.scaled(60)))
            .env("KLAVIYO_RATE_SCALE", "60");

    @Test
    void a_node_killed_right_after_its_snapshot_is_ready_leaves_one_ready_snapshot_and_its_answer_replayed()
            throws Exception {
        UpdateRequest req = new UpdateRequest(Mode.LIVE, Optional.of(ACCOUNT), Optional.of(3), Optional.empty(),
                false, Optional.of(KEY), null, Optional.empty());
        CountDownLatch dead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong readyId = new AtomicLong();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Ksync nodeA = Ksync.start(AppConfig.load(rig.env()));
             Ksync nodeB = Ksync.start(AppConfig.load(rig.env()))) {
            // the crash point: the snapshot's transaction has committed; node A's session (and the key's advisory
            // lock with it) ends, and its thread stops there as a killed process would
            UpdateProgress crashOnReady = new UpdateProgress() {
                @Override
                public void expect(String producer, long total) { }

                @Override
                public void progress(String producer, long count) { }

                @Override
                public void ready(long snapshotId) {
                    readyId.set(snapshotId);
                    int killed = nodeB.database().jdbi().withHandle(h -> h.createQuery(
                                    "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory'"
                                            + " and granted and pid <> pg_backend_pid() and database ="
                                            + " (select oid from pg_database where datname = current_database())")
                            .mapTo(Integer.class).one());
                    assertThat(killed).as("node A's sessions holding the key's lock and the snapshot's mark")
                            .isEqualTo(2);
                    dead.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("node A is dead");
                }
            };
            Future<UpdateAnswer> first = thread.submit(() -> nodeA.orchestrator().run(req, crashOnReady));
            assertThat(dead.await(300, TimeUnit.SECONDS)).as("node A reached a ready snapshot").isTrue();
            assertThat(keyState(nodeB)).as("the key, as node A left it").isEqualTo("done");

            UpdateAnswer again = nodeB.orchestrator().run(req);

            assertThat(again.replayed()).as("node B replays the dead run's answer").isTrue();
            JsonNode body = json.readTree(again.body());
            assertThat(body.path("snapshotId").asLong()).isEqualTo(readyId.get());
            assertThat(body.path("status").asText()).isEqualTo("ready");
            assertThat(readySnapshots(nodeB)).as("ready snapshots of %s", ACCOUNT).isEqualTo(1);

            release.countDown(); // node A's thread ends on its broken session; it changes nothing
            catchThrowable(() -> first.get(60, TimeUnit.SECONDS));
            assertThat(readySnapshots(nodeB)).isEqualTo(1);
            assertThat(keyState(nodeB)).isEqualTo("done");
            assertThat(nodeB.orchestrator().run(req).body()).isEqualTo(again.body());
        } finally {
            release.countDown();
            thread.shutdownNow();
        }
    }

    private static long readySnapshots(Ksync node) {
        return node.snapshots().list(ACCOUNT).stream().filter(s -> s.status() == Snapshot.Status.READY).count();
    }

    private static String keyState(Ksync node) {
        return node.database().jdbi().withHandle(h -> h.createQuery("select state from idempotency_keys"
                + " where key = :k").bind("k", KEY).mapTo(String.class).one());
    }
}

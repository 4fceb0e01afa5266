package dev.ksync.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.accounts.AccountId;
import dev.ksync.config.AppConfig;
import dev.ksync.db.TestPostgres;
import dev.ksync.orchestrator.IdempotencyKeys;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.snapshot.Upload;
import dev.ksync.store.FileSystemObjectStore;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.UploadId;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CleanupTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @TempDir
    Path dir;

    @Test
    void removes_what_is_past_retention_but_never_the_newest_ready_snapshot_and_a_dry_run_removes_nothing()
            throws Exception {
        ObjectStore store = new FileSystemObjectStore(dir);
        AppConfig.Buckets buckets = AppConfig.load(Map.of()).storage().buckets();
        Instant then = Instant.now();
        Snapshots early = new Snapshots(pg.database().jdbi(), Clock.fixed(then, ZoneOffset.UTC));
        // two uploads of one account, both old: the newer one's snapshot is the newest ready one
        Upload old = upload(early, store, buckets, "old-upload");
        Upload kept = upload(early, store, buckets, "kept-upload");
        early.create(old, Optional.empty(), Optional.empty(), Optional.empty());
        Snapshot ready = early.create(kept, Optional.empty(), Optional.empty(), Optional.empty());
        pg.database().jdbi().useHandle(h -> h.execute("update snapshots set status = 'ready'"));
        put(store, buckets.audienceStaging(), "acme/u1/subscribers.csv");
        new IdempotencyKeys(pg.database().jdbi(), Clock.fixed(then, ZoneOffset.UTC)).run("acme", "k1", "fp",
                () -> new IdempotencyKeys.Answer(200, "{}".getBytes()));

        Clock later = Clock.fixed(then.plus(Duration.ofDays(31)), ZoneOffset.UTC);
        Cleanup cleanup = new Cleanup(pg.database().jdbi(), store, buckets,
                new IdempotencyKeys(pg.database().jdbi(), later), later, 30);

        CleanupReport dry = cleanup.run(true);
        assertThat(dry.uploads()).extracting(CleanupReport.RemovedUpload::uploadId).containsExactly("old-upload");
        assertThat(dry.stagingObjects()).extracting(CleanupReport.StoredKey::key).containsExactly("acme/u1/subscribers.csv");
        assertThat(dry.idempotencyKeys()).isEqualTo(1);
        assertThat(store.exists(buckets.dataIngest(), "old-upload/flows.csv")).isTrue();

        CleanupReport done = cleanup.run(false);
        assertThat(done.uploads()).isEqualTo(dry.uploads());
        assertThat(done.kept()).extracting(CleanupReport.Kept::snapshotId).containsExactly(ready.id());
        assertThat(store.list(buckets.dataIngest(), "old-upload/")).isEmpty();
        assertThat(store.list(buckets.dataIngest(), "kept-upload/")).hasSize(3);
        assertThat(store.exists(buckets.audienceStaging(), "acme/u1/subscribers.csv")).isFalse();
        assertThat(early.list(new AccountId("acme"))).extracting(Snapshot::id).containsExactly(ready.id());
        assertThat(cleanup.run(false).uploadCount()).isZero();
    }

    private static Upload upload(Snapshots s, ObjectStore store, AppConfig.Buckets b, String id) throws Exception {
        Upload u = s.createUpload(new AccountId("acme"), new UploadId(id), b.dataIngest(), ZoneOffset.UTC);
        for (String f : Upload.FILES) {
            put(store, b.dataIngest(), u.key(f));
        }
        return u;
    }

    private static void put(ObjectStore store, String bucket, String key) throws Exception {
        store.put(bucket, key, new ByteArrayInputStream("x\r\n".getBytes()));
    }
}

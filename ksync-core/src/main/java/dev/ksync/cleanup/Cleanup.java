package dev.ksync.cleanup;

import dev.ksync.cleanup.CleanupReport.Kept;
import dev.ksync.cleanup.CleanupReport.RemovedUpload;
import dev.ksync.cleanup.CleanupReport.StoredKey;
import dev.ksync.config.AppConfig;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.orchestrator.IdempotencyKeys;
import dev.ksync.store.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is older than the retention: staging objects, uploads (with their snapshots and ingest objects),
 * ingest objects no upload owns, finished idempotency keys, and temporary files of interrupted writes. Never the
 * upload of an account's newest ready snapshot, whatever its age: the dashboard reads it.
 */
public final class Cleanup {
    /** Entries listed per kind in a report (counts are complete). */
    public static final int LISTED = 1000;
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

    private final Jdbi jdbi;
    private final ObjectStore store;
    private final AppConfig.Buckets buckets;
    private final IdempotencyKeys keys;
    private final Clock clock;
    private final int retentionDays;

    public Cleanup(Jdbi jdbi, ObjectStore store, AppConfig.Buckets buckets, IdempotencyKeys keys, Clock clock,
            int retentionDays) {
        this.jdbi = jdbi;
        this.store = store;
        this.buckets = buckets;
        this.keys = keys;
        this.clock = clock;
        this.retentionDays = retentionDays;
    }

    /** Removes (or with {@code dryRun} only lists) everything past the retention. */
    public CleanupReport run(boolean dryRun) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(retentionDays));
        try {
            List<Kept> kept = newestReady();
            Set<String> protectedUploads = new TreeSet<>();
            kept.forEach(k -> protectedUploads.add(k.uploadId()));

            List<RemovedUpload> uploads = new ArrayList<>();
            int uploadCount = 0;
            for (OldUpload u : oldUploads(cutoff)) {
                if (protectedUploads.contains(u.id())) {
                    continue;
                }
                List<String> objects = store.list(u.bucket(), u.id() + "/");
                if (!dryRun) {
                    for (String key : objects) {
                        store.delete(u.bucket(), key);
                    }
                    // snapshots, their series and totals go with the upload (on delete cascade)
                    jdbi.useHandle(h -> h.createUpdate("delete from uploads where id = :id").bind("id", u.id()).execute());
                }
                if (uploadCount++ < LISTED) {
                    uploads.add(new RemovedUpload(u.id(), u.accountId(), objects, u.snapshotIds()));
                }
            }

            List<StoredKey> staging = new ArrayList<>();
            int stagingCount = 0;
            for (String bucket : new TreeSet<>(List.of(buckets.audienceStaging(), buckets.flowStaging(),
                    buckets.campaignStaging()))) {
                if (bucket.equals(buckets.dataIngest())) {
                    continue; // a staging bucket shared with ingest is cleaned as ingest, by upload
                }
                for (String key : store.list(bucket, "")) {
                    if (olderThan(bucket, key, cutoff)) {
                        if (!dryRun) {
                            store.delete(bucket, key);
                        }
                        if (stagingCount++ < LISTED) {
                            staging.add(new StoredKey(bucket, key));
                        }
                    }
                }
            }

            // Ingest objects no upload row owns (its run died before recording it, or it was removed by hand).
            Set<String> known = uploadIds();
            List<StoredKey> orphans = new ArrayList<>();
            int orphanCount = 0;
            String ingest = buckets.dataIngest();
            for (String key : store.list(ingest, "")) {
                String folder = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
                boolean removedNow = uploads.stream().anyMatch(u -> u.uploadId().equals(folder));
                if (known.contains(folder) || removedNow || protectedUploads.contains(folder)
                        || !olderThan(ingest, key, cutoff)) {
                    continue;
                }
                if (!dryRun) {
                    store.delete(ingest, key);
                }
                if (orphanCount++ < LISTED) {
                    orphans.add(new StoredKey(ingest, key));
                }
            }

            int idempotency = keys.deleteDoneBefore(cutoff, dryRun);
            int temporaries = dryRun ? 0 : store.sweepTemporaries(now.minus(ObjectStore.STALE_TEMPORARY_AGE));
            CleanupReport report = new CleanupReport(dryRun, cutoff, retentionDays, kept, uploadCount, uploads,
                    stagingCount, staging, orphanCount, orphans, idempotency, temporaries);
            log.info("Cleanup{} (before {}): {} uploads, {} staging objects, {} orphan ingest objects, {} idempotency"
                            + " keys, {} temporary files; kept {} newest ready snapshots", dryRun ? " dry run" : "",
                    cutoff, uploadCount, stagingCount, orphanCount, idempotency, temporaries, kept.size());
            return report;
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Cleanup could not read or delete objects in "
                    + store.describe() + ": " + e.getMessage() + "; what was removed before stays removed, run it"
                    + " again", Map.of(), e);
        }
    }

    private boolean olderThan(String bucket, String key, Instant cutoff) throws IOException {
        return store.lastModified(bucket, key).map(t -> t.isBefore(cutoff)).orElse(false);
    }

    private List<Kept> newestReady() {
        return jdbi.withHandle(h -> h.createQuery("select distinct on (account_id) account_id, id, upload_id"
                        + " from snapshots where status = 'ready' order by account_id, id desc")
                .map((rs, ctx) -> new Kept(rs.getString("account_id"), rs.getLong("id"), rs.getString("upload_id")))
                .list());
    }

    private record OldUpload(String id, String accountId, String bucket, List<Long> snapshotIds) {}

    private List<OldUpload> oldUploads(Instant cutoff) {
        return jdbi.withHandle(h -> h.createQuery("select u.id, u.account_id, u.bucket, array_remove(array_agg(s.id"
                        + " order by s.id), null) as snapshots from uploads u left join snapshots s on s.upload_id = u.id"
                        + " where u.created_at < :cutoff group by u.id order by u.id")
                .bind("cutoff", OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .map((rs, ctx) -> new OldUpload(rs.getString("id"), rs.getString("account_id"), rs.getString("bucket"),
                        List.of((Long[]) rs.getArray("snapshots").getArray())))
                .list());
    }

    private Set<String> uploadIds() {
        List<String> ids = jdbi.withHandle(h -> h.createQuery("select id from uploads").mapTo(String.class).list());
        return new TreeSet<>(ids);
    }
}

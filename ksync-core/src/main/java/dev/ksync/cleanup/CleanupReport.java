package dev.ksync.cleanup;

import java.time.Instant;
import java.util.List;

/**
 * What a cleanup removed, or with {@code dryRun} would remove. Lists are cut at {@link Cleanup#LISTED} entries; the
 * counts are complete.
 *
 * @param cutoff          things older than this went (now minus KSYNC_RETENTION_DAYS)
 * @param kept            the newest ready snapshot of each account, kept whatever its age
 * @param temporaries     temporary files of interrupted writes swept (0 in a dry run)
 */
public record CleanupReport(boolean dryRun, Instant cutoff, int retentionDays, List<Kept> kept, int uploadCount,
        List<RemovedUpload> uploads, int stagingObjectCount, List<StoredKey> stagingObjects,
        int orphanIngestObjectCount, List<StoredKey> orphanIngestObjects, int idempotencyKeys, int temporaries) {

    /** An upload removed with its snapshots (and their series and totals) and its objects in the ingest bucket. */
    public record RemovedUpload(String uploadId, String accountId, List<String> objects, List<Long> snapshotIds) {}

    public record StoredKey(String bucket, String key) {}

    public record Kept(String accountId, long snapshotId, String uploadId) {}
}

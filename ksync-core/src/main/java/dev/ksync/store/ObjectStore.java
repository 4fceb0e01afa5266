package dev.ksync.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where ksync keeps its CSV objects: buckets of keyed blobs, on the filesystem or an S3-compatible service.
 * Writes are atomic: a reader sees either the previous object or the whole new one, never a partial one.
 * Keys are checked by {@link ObjectKeys}; a bad key is rejected before anything is touched.
 */
public interface ObjectStore {
    /** A write's temporary file untouched for this long belongs to a write that died: {@link #sweepTemporaries} takes it. */
    Duration STALE_TEMPORARY_AGE = Duration.ofHours(1);

    /** Writes the whole stream under {@code key}, replacing any previous object. */
    StoredObject put(String bucket, String key, InputStream content) throws IOException;

    /** Writes what {@code body} produces under {@code key}; nothing is visible under the key until it returns. */
    StoredObject write(String bucket, String key, BodyWriter body) throws IOException;

    /**
     * Writes what {@code body} produces under {@code key} only if no object is there: when one is, the same bytes
     * answer the existing object (a retry is idempotent) and other bytes throw {@link ObjectExistsException},
     * leaving it untouched. Of concurrent creators of one key exactly one stores its bytes.
     */
    StoredObject create(String bucket, String key, BodyWriter body) throws IOException;

    /** The object's content, or empty when there is none. The caller closes the stream. */
    Optional<InputStream> get(String bucket, String key) throws IOException;

    /** Keys under a prefix ("" for all), in lexical order. */
    List<String> list(String bucket, String prefix) throws IOException;

    /** Deletes the object; false when there was none. */
    boolean delete(String bucket, String key) throws IOException;

    boolean exists(String bucket, String key) throws IOException;

    /** When the object was last written, or empty when there is none (cleanup judges age by it). */
    Optional<Instant> lastModified(String bucket, String key) throws IOException;

    /**
     * Deletes the temporary files of interrupted writes last touched before {@code olderThan} (ksync calls it at start
     * and from cleanup with now minus {@link #STALE_TEMPORARY_AGE}); returns how many it deleted.
     */
    int sweepTemporaries(Instant olderThan) throws IOException;

    /** Where the store lives, for messages ("file:/…/buckets" or "s3://endpoint"). */
    String describe();

    @FunctionalInterface
    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}

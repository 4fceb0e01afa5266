package dev.ksync.snapshot;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The three CSVs a snapshot was made from, read back from the ingest bucket by snapshot id and file name, so callers
 * never see (or guess) bucket paths.
 */
public final class SnapshotFiles {
    private final Snapshots snapshots;
    private final ObjectStore store;

    public SnapshotFiles(Snapshots snapshots, ObjectStore store) {
        this.snapshots = snapshots;
        this.store = store;
    }

    /** Opens one of {@link Upload#FILES} of snapshot {@code id}: 400 for another name, 404 when it or its file is gone. */
    public InputStream open(long id, String file) {
        if (!Upload.FILES.contains(file)) {
            throw KsyncException.badInput("name", file.length() > 40 ? file.substring(0, 40) + "…" : file,
                    "one of " + String.join(", ", Upload.FILES));
        }
        Snapshot s = snapshots.get(id);
        Upload upload = snapshots.upload(s.uploadId())
                .orElseThrow(() -> KsyncException.notFound("upload", s.uploadId().value()));
        try {
            return store.get(upload.bucket(), upload.key(file)).orElseThrow(() -> KsyncException.notFound(
                    "snapshot file", id + "/" + file));
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Reading " + file + " of snapshot " + id
                    + " failed: " + e.getMessage(), Map.of("snapshotId", id, "file", file), e);
        }
    }
}

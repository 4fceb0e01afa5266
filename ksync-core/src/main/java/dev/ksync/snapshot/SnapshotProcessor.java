package dev.ksync.snapshot;

import dev.ksync.db.SessionLock;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a snapshot's upload (its three CSVs in the ingest bucket) into series, totals and the top lists' sums per
 * flow and campaign. They and the status ready are written in one transaction, so a reader sees the old rows or the new ones, and a failure
 * leaves none of its rows, only status failed with the error. A run holds the snapshot's liveness mark while it
 * processes ({@link Snapshots#mark}; an update passes the one it made the snapshot with), so a run that dies leaves a
 * snapshot that lists as abandoned at once, and two processors of one snapshot take turns.
 */
public final class SnapshotProcessor {
    private static final Logger log = LoggerFactory.getLogger(SnapshotProcessor.class);
    /** The longest patch window: a year and a day, beyond which a full process is the sensible request. */
    public static final int MAX_PATCH_DAYS = 366;

    /**
     * Called inside the processing transaction once the snapshot is ready there, before the commit: what it writes
     * on {@code transaction} is committed with the ready status or not at all (the orchestrator records its
     * idempotency key's answer so).
     */
    @FunctionalInterface
    public interface OnReady {
        OnReady NONE = (transaction, ready) -> { };

        void inTransaction(Handle transaction, Snapshot ready);
    }

    private final Snapshots snapshots;
    private final ObjectStore store;
    private final Clock clock;

    public SnapshotProcessor(Snapshots snapshots, ObjectStore store, Clock clock) {
        this.snapshots = snapshots;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Processes the snapshot as it was created: all of its upload, or for a patch snapshot its base's series with
     * the patch window replaced from its own upload.
     */
    public Snapshot process(long id) {
        Snapshot s = snapshots.get(id);
        try (SessionLock mark = snapshots.mark(id)) {
            return run(mark, s, s.patchStart(), s.patchEnd(), s.basedOn(), OnReady.NONE);
        }
    }

    /**
     * {@link #process(long)} of the snapshot an update is making, under the mark it holds (a second one would wait
     * for it forever), with {@code onReady} run in the transaction that makes the snapshot ready.
     */
    public Snapshot process(Snapshots.Making making, OnReady onReady) {
        Snapshot s = snapshots.get(making.snapshot().id());
        return run(making.mark(), s, s.patchStart(), s.patchEnd(), s.basedOn(), onReady);
    }

    /**
     * Replaces only the series rows of {@code start..end} (inclusive) from the upload; totals follow the series. The
     * window must lie inside the days the upload's flows.csv and campaigns.csv cover: a day outside them is a day the
     * upload does not hold, whose rows (a patch snapshot's base's) a patch must not delete.
     */
    public Snapshot patch(long id, LocalDate start, LocalDate end) {
        if (end.isBefore(start)) {
            throw KsyncException.badInput("end", end.toString(), "a day on or after start " + start);
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_PATCH_DAYS) {
            throw KsyncException.badInput("end", end.toString(), "at most " + MAX_PATCH_DAYS + " days from start "
                    + start + "; process the whole snapshot instead");
        }
        Snapshot s = snapshots.get(id);
        Upload upload = upload(s);
        Optional<ReportWindow> allowed = upload.patchable();
        boolean before = allowed.isEmpty() || start.isBefore(allowed.get().first());
        if (before || end.isAfter(allowed.get().last())) {
            throw outsideUpload(s, upload, before ? "start" : "end", before ? start : end, allowed);
        }
        try (SessionLock mark = snapshots.mark(id)) {
            return run(mark, s, Optional.of(start), Optional.of(end), Optional.empty(), OnReady.NONE);
        }
    }

    private static KsyncException outsideUpload(Snapshot s, Upload upload, String field, LocalDate value,
            Optional<ReportWindow> allowed) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", field);
        d.put("value", value.toString());
        d.put("snapshotId", s.id());
        d.put("uploadId", upload.id().value());
        d.put("allowedStart", allowed.map(w -> w.first().toString()).orElse(null));
        d.put("allowedEnd", allowed.map(w -> w.last().toString()).orElse(null));
        String holds = allowed.map(w -> "holds the days " + w + " only").orElse("holds no days known to it");
        return new KsyncException(ErrorKind.UNPROCESSABLE, "patch_outside_upload", "A patch of snapshot " + s.id()
                + " may replace only days its upload " + upload.id() + " holds: " + field + " " + value + " is outside"
                + " them (the upload " + holds + "); patch inside them, or process the snapshot whole", d);
    }

    private Upload upload(Snapshot s) {
        return snapshots.upload(s.uploadId()).orElseThrow(() -> KsyncException.notFound("upload",
                s.uploadId().value()));
    }

    /** Processes {@code s} holding its {@code mark}, on the mark's connection; the mark is the caller's to close. */
    private Snapshot run(SessionLock mark, Snapshot s, Optional<LocalDate> start, Optional<LocalDate> end,
            Optional<Long> base, OnReady onReady) {
        Upload upload = upload(s);
        snapshots.markProcessing(s.id());
        try {
            mark.handle().useTransaction(h -> {
                Snapshots.lock(h, s.id());
                CsvSeries csv = read(upload);
                Predicate<LocalDate> inWindow = d -> start.isEmpty() || !d.isBefore(start.get()) && !d.isAfter(end.get());
                List<SeriesRow> rows = csv.rows(inWindow);
                // a snapshot made ready before V8, patched in place, has no top sums to keep outside the window:
                // its own files give them all
                boolean allTops = base.isEmpty() && start.isPresent() && !Snapshots.topsStored(h, s.id());
                if (base.isPresent()) {
                    Snapshots.copySeries(h, base.get(), s.id());
                    try {
                        storeTopsOnceLocked(h, base.get());
                    } catch (KsyncException e) {
                        // the top lists are a side dish: a base whose files are gone still patches, its tops the window's
                        log.warn("Top sums of base snapshot {} unavailable: {}", base.get(), e.getMessage());
                    }
                    Snapshots.copyTops(h, base.get(), s.id());
                }
                Snapshots.replaceSeries(h, s.id(), start, end, rows);
                if (base.isPresent() || start.isEmpty()) {
                    Snapshots.cover(h, s.id(), base, upload); // an explicit patch stays inside the days already covered
                }
                Snapshots.replaceTops(h, s.id(), allTops ? Optional.empty() : start,
                        allTops ? Optional.empty() : end, csv.tops(allTops ? d -> true : inWindow));
                Snapshots.finish(h, s.id(), clock.instant());
                onReady.inTransaction(h, Snapshots.lock(h, s.id()).orElseThrow());
            });
        } catch (RuntimeException e) {
            String error = e instanceof KsyncException k ? k.getMessage() : "processing failed: " + e.getClass().getSimpleName();
            snapshots.markFailed(s.id(), error);
            log.warn("Snapshot {} of {} failed: {}", s.id(), s.accountId(), error);
            throw e;
        }
        Snapshot done = snapshots.get(s.id());
        log.info("Snapshot {} of {} ready ({}){}", s.id(), s.accountId(), upload.id(),
                start.map(d -> ", window " + d + ".." + end.get()).orElse(""));
        return done;
    }

    /**
     * Stores the top sums of a ready snapshot made before they were stored with it (V8), computed once from its
     * flows.csv and campaigns.csv; a no-op when they are stored. Readers call it, on their own connection, instead of
     * rereading the CSVs.
     */
    public void storeTopsOnce(Handle h, long id) {
        if (Snapshots.topsStored(h, id)) {
            return; // every snapshot made ready since V8: one query on the reader's own connection
        }
        h.useTransaction(t -> storeTopsOnceLocked(t, id));
    }

    private void storeTopsOnceLocked(Handle h, long id) {
        Snapshot s = Snapshots.lock(h, id).orElseThrow(() -> KsyncException.notFound("snapshot", Long.toString(id)));
        if (s.status() != Snapshot.Status.READY || Snapshots.topsStored(h, id)) {
            return; // another reader stored them while this one waited for the lock
        }
        Upload upload = upload(s);
        CsvSeries csv = new CsvSeries();
        withFile(upload, Upload.FLOWS, in -> csv.readMail(Source.FLOWS, Upload.FLOWS, in));
        withFile(upload, Upload.CAMPAIGNS, in -> csv.readMail(Source.CAMPAIGNS, Upload.CAMPAIGNS, in));
        Snapshots.replaceTops(h, id, Optional.empty(), Optional.empty(), csv.tops(d -> true));
        Snapshots.markTopsStored(h, id);
        log.info("Snapshot {} of {}: top sums computed from its CSVs once (made ready before they were stored)", id,
                s.accountId());
    }

    /** Reads the three files, each as a stream; a missing one fails the snapshot (no ready snapshot without all three). */
    private CsvSeries read(Upload upload) {
        CsvSeries csv = new CsvSeries();
        withFile(upload, Upload.FLOWS, in -> csv.readMail(Source.FLOWS, Upload.FLOWS, in));
        withFile(upload, Upload.CAMPAIGNS, in -> csv.readMail(Source.CAMPAIGNS, Upload.CAMPAIGNS, in));
        withFile(upload, Upload.SUBSCRIBERS, in -> csv.readSubscribers(Upload.SUBSCRIBERS, in, upload.zone()));
        return csv;
    }

    private void withFile(Upload upload, String file, Consumer<InputStream> reader) {
        String key = upload.key(file);
        try {
            Optional<InputStream> in = store.get(upload.bucket(), key);
            if (in.isEmpty()) {
                throw new KsyncException(ErrorKind.UNPROCESSABLE, "snapshot_csv_missing", "Upload " + upload.id()
                        + " has no " + file + " in bucket " + upload.bucket() + "; a snapshot needs all three CSVs"
                        + " (" + String.join(", ", Upload.FILES) + ")", Map.of("bucket", upload.bucket(), "key", key));
            }
            try (InputStream stream = in.get()) {
                reader.accept(stream);
            }
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Reading " + key + " from bucket "
                    + upload.bucket() + " failed: " + e.getMessage(), Map.of("bucket", upload.bucket(), "key", key), e);
        } catch (UncheckedIOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Reading " + key + " from bucket "
                    + upload.bucket() + " failed: " + e.getCause().getMessage(),
                    Map.of("bucket", upload.bucket(), "key", key), e);
        }
    }
}

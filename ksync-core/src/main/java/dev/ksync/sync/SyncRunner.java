package dev.ksync.sync;

import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.report.ReportRefused;
import dev.ksync.klaviyo.stats.CallStats;
import dev.ksync.store.ObjectExistsException;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.StaleTemporaries;
import dev.ksync.store.StoredObject;
import dev.ksync.store.UploadId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs any {@link SyncJob}: a dry-run streams its CSV to the caller, a live run stores it, create-only, under
 * {@code <accountId>/<uploadId>/<file>}. Owns the Klaviyo client of the run and its call accounting, the deadline,
 * the one summary log line, and the translation of Klaviyo and storage failures into answers.
 */
public final class SyncRunner {
    /** Header plus this many rows in a report's preview. */
    public static final int PREVIEW_LINES = 11;

    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

    private final KlaviyoAccess klaviyo;
    private final ObjectStore store;
    private final Clock clock;

    public SyncRunner(KlaviyoAccess klaviyo, ObjectStore store, Clock clock) {
        this.klaviyo = klaviyo;
        this.store = store;
        this.clock = clock;
    }

    /**
     * How a run is watched and bounded.
     *
     * @param total told the expected final progress count once the job knows it (a plan's report calls)
     */
    public record Options(LongConsumer progress, LongConsumer total, Optional<Instant> deadline) {
        public static final Options NONE = new Options(n -> { }, n -> { }, Optional.empty());

        public static Options progress(LongConsumer progress) {
            return new Options(progress, n -> { }, Optional.empty());
        }

        public static Options progress(LongConsumer progress, LongConsumer total) {
            return new Options(progress, total, Optional.empty());
        }

        public Options deadline(Instant at) {
            return new Options(progress, total, Optional.of(at));
        }
    }

    /** Streams the job's CSV to {@code out} (left open), whatever the request's mode says; stores nothing. */
    public <R extends SyncRequest, D> SyncReport<D> export(SyncJob<R, D> job, R request, OutputStream out,
            Options options) {
        SyncReport<D> report = produce(job, request, out, options);
        logSummary(job, request, report);
        return report;
    }

    /**
     * Stores the job's CSV under {@code <accountId>/<uploadId>/<file>} in {@code bucket}. Unless the request says
     * overwrite, an object already there with other bytes is a 409 {@code object_exists} and stays; the same bytes
     * answer as a first write would (a retry is idempotent).
     */
    public <R extends SyncRequest, D> SyncReport<D> live(SyncJob<R, D> job, R request, String bucket, Options options) {
        if (request.mode() != Mode.LIVE) {
            throw new IllegalArgumentException("not a live request");
        }
        String key = key(request.accountId().orElseThrow(), request.uploadId().orElseGet(() -> UploadId.at(clock.instant())),
                job.fileName());
        Object[] produced = new Object[1];
        ObjectStore.BodyWriter body = out -> produced[0] = produce(job, request, out, options);
        StoredObject stored;
        try {
            stored = request.overwrite() ? store.write(bucket, key, body) : store.create(bucket, key, body);
        } catch (ObjectExistsException e) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("bucket", bucket);
            d.put("key", key);
            d.put("existingSha256", e.existing().sha256());
            d.put("existingBytes", e.existing().bytes());
            throw new KsyncException(ErrorKind.CONFLICT, "object_exists", "An object with other content is already"
                    + " stored at " + key + " in bucket " + bucket + "; it was left as it is. Use another uploadId,"
                    + " or send \"overwrite\": true to replace it.", d, e);
        } catch (IOException e) {
            throw new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Writing " + key + " to bucket "
                    + bucket + " failed: " + e.getMessage() + ". Nothing was written under that key;"
                    + " check that the bucket exists and is writable, then run again.",
                    Map.of("bucket", bucket, "key", key), e);
        }
        @SuppressWarnings("unchecked")
        SyncReport<D> report = ((SyncReport<D>) produced[0]).withStored(stored);
        logSummary(job, request, report);
        return report;
    }

    /**
     * Deletes slice spools older than {@code olderThan} that a killed process left in the temp folder (a live run
     * deletes its own); the object store's temporaries are swept by the store.
     */
    public static int sweepSpools(Instant olderThan) throws IOException {
        return StaleTemporaries.sweep(Path.of(System.getProperty("java.io.tmpdir")), 1, CsvRows.SPOOL_PREFIX, olderThan);
    }

    /** The object key of a job's file: one folder per account, one per upload. */
    public static String key(AccountId account, UploadId upload, String fileName) {
        return account + "/" + upload + "/" + fileName;
    }

    private <R extends SyncRequest, D> SyncReport<D> produce(SyncJob<R, D> job, R request, OutputStream out,
            Options options) {
        Instant started = clock.instant();
        SyncContext context = new SyncContext(clock, () -> klaviyo.client(request.accountId(), request.klaviyoApiKey()),
                options.progress(), options.total(), options.deadline());
        try (CsvRows rows = new CsvRows(out, job.header(request), PREVIEW_LINES, context::checkDeadline)) {
            D details = job.run(request, context, rows);
            rows.finish();
            Optional<CallStats> calls = context.clientIfUsed().map(KlaviyoClient::callStats);
            Duration wait = Duration.ofMillis(calls.map(c -> c.total().budgetWaitMs()).orElse(0L));
            return new SyncReport<>(job.name(), request.mode(), rows.rows(), rows.preview(), Optional.empty(), calls,
                    wait, context.caps(), context.plans(), Duration.between(started, clock.instant()), details);
        } catch (KlaviyoException | ReportRefused e) {
            throw UpstreamErrors.translate(e).orElseThrow();
        }
    }

    private <R extends SyncRequest, D> void logSummary(SyncJob<R, D> job, R request, SyncReport<D> r) {
        String summary = job.summary(request, r.details());
        log.info("{} sync ({}{}): {} rows, {} Klaviyo calls, {} ms budget wait{}{}, {} ms", job.name(),
                summary.isEmpty() ? "" : summary + ", ", r.mode().wireName(), r.rows(),
                r.klaviyoCalls().map(c -> c.total().calls()).orElse(0L), r.budgetWait().toMillis(),
                r.stored().map(o -> ", stored " + o.bucket() + "/" + o.key()).orElse(""),
                r.caps().isEmpty() ? "" : ", capped by " + String.join("; ",
                        r.caps().stream().map(c -> c.field() + " (" + c.effect() + ")").toList()),
                r.duration().toMillis());
        // the plan is the answer's diagnostics; in the log it is detail
        if (log.isDebugEnabled() && !r.plans().isEmpty()) {
            log.debug("{} sync plan: {}", job.name(), String.join("; ",
                    r.plans().stream().map(p -> p.decision() + ": " + p.chosen() + " (" + p.reason() + ")").toList()));
        }
    }
}

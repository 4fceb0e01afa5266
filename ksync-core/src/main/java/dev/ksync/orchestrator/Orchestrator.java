package dev.ksync.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.audience.AudienceRequest;
import dev.ksync.audience.AudienceSync;
import dev.ksync.campaigns.CampaignSync;
import dev.ksync.campaigns.CampaignSyncReport;
import dev.ksync.campaigns.CampaignSyncRequest;
import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.flows.FlowSync;
import dev.ksync.flows.FlowSyncReport;
import dev.ksync.flows.FlowSyncRequest;
import dev.ksync.reporting.WindowSpec;
import dev.ksync.snapshot.Snapshot;
import dev.ksync.snapshot.SnapshotProcessor;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.snapshot.Upload;
import dev.ksync.store.ObjectExistsException;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.UploadId;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncReport;
import dev.ksync.sync.SyncRequest;
import dev.ksync.sync.SyncRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard update (the Nightly Orchestrator runbook): the three producers — flows.csv, campaigns.csv,
 * subscribers.csv — run concurrently on the {@link SyncRunner}; a dry run answers their row counts and previews, a
 * live run stores them under {@code <uploadId>/} in the ingest bucket, records the upload and a snapshot, and
 * processes it. An account that already has a ready snapshot fetches only the last {@code patchDays} days of flows
 * and campaigns and patches them into a copy of that snapshot: Klaviyo revises attributed conversions for up to five
 * days, so the window is wider than the runbook's yesterday ±1, and the run costs one report call per producer.
 * Idempotency keys make a repeat answer the first answer without doing anything.
 */
public final class Orchestrator {
    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param ingestBucket DATA_INGEST_BUCKET
     * @param maxDuration  KSYNC_MAX_DURATION_S: past it the run stops with 504 and leaves no ready snapshot
     * @param patchDays    KSYNC_PATCH_DAYS
     */
    public record Settings(String ingestBucket, Duration maxDuration, int patchDays) {}

    /** The three jobs, under the names answers use for them. */
    public record Producers(FlowSync flows, CampaignSync campaigns, AudienceSync subscribers) {}

    private final Settings settings;
    private final Producers producers;
    private final SyncRunner runner;
    private final ObjectStore store;
    private final Snapshots snapshots;
    private final SnapshotProcessor processor;
    private final IdempotencyKeys keys;
    private final Clock clock;

    public Orchestrator(Settings settings, Producers producers, SyncRunner runner, ObjectStore store,
            Snapshots snapshots, SnapshotProcessor processor, IdempotencyKeys keys, Clock clock) {
        this.settings = settings;
        this.producers = producers;
        this.runner = runner;
        this.store = store;
        this.snapshots = snapshots;
        this.processor = processor;
        this.keys = keys;
        this.clock = clock;
    }

    public UpdateAnswer run(UpdateRequest req) {
        return run(req, UpdateProgress.NONE);
    }

    /**
     * Runs the update, or with a key already done replays its first answer. Failures are thrown (and release the
     * key): a producer's names it in {@code details.producer}; the deadline is a 504.
     */
    public UpdateAnswer run(UpdateRequest req, UpdateProgress progress) {
        return run(req, progress, Admission.ALWAYS);
    }

    /**
     * Decides whether an update that is about to do work (not a replay, not a key another run holds) may start;
     * it may refuse by throwing, or wrap the work (a door's limit on updates running at once).
     */
    public interface Admission {
        Admission ALWAYS = new Admission() {
            @Override
            public <T> T admit(Supplier<T> work) {
                return work.get();
            }
        };

        <T> T admit(Supplier<T> work);
    }

    /** {@link #run(UpdateRequest, UpdateProgress)}, the work itself passing through {@code admission} first. */
    public UpdateAnswer run(UpdateRequest req, UpdateProgress progress, Admission admission) {
        if (req.idempotencyKey().isEmpty()) {
            return new UpdateAnswer(200, admission.admit(() -> execute(req, progress, IdempotencyKeys.Completion.NONE)),
                    false);
        }
        IdempotencyKeys.Outcome o = keys.run(req.scope(), req.idempotencyKey().get(), req.fingerprint(),
                req.claimsTheDay(),
                completion -> admission.admit(() -> new IdempotencyKeys.Answer(200, execute(req, progress, completion))));
        if (o.replayed()) {
            log.info("Update {} of {}: key already done (the day's update when it is a nightly key), first answer"
                    + " replayed", req.idempotencyKey().get(), req.accountId().map(AccountId::value).orElse("(no account)"));
        }
        return new UpdateAnswer(o.answer().status(), o.answer().body(), o.replayed());
    }

    /** The answer's bytes; a live run records them under its key in the transaction that makes its snapshot ready. */
    private byte[] execute(UpdateRequest req, UpdateProgress progress, IdempotencyKeys.Completion completion) {
        Instant started = clock.instant();
        Instant deadline = started.plus(settings.maxDuration());
        return req.mode() == Mode.LIVE ? live(req, progress, started, deadline, completion)
                : bytes(dryRun(req, progress, deadline), started);
    }

    private byte[] bytes(Map<String, Object> answer, Instant started) {
        answer.put("durationMs", Duration.between(started, clock.instant()).toMillis());
        try {
            return JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answer not serialisable", e);
        }
    }

    // ---- dry run: previews only ----

    private Map<String, Object> dryRun(UpdateRequest req, UpdateProgress progress, Instant deadline) {
        Plan plan = plan(req, Optional.empty());
        boolean skipHeavy = req.fast(); // the runbook: fast dry runs skip campaigns and subscribers, headers only
        Map<String, Produced> done = produce(plan, skipHeavy, progress, deadline, null);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("mode", Mode.DRY_RUN.wireName());
        a.put("accountId", req.accountId().map(AccountId::value).orElse(null));
        a.put("fast", req.fast());
        Map<String, Object> rows = new LinkedHashMap<>();
        Map<String, Object> previews = new LinkedHashMap<>();
        done.forEach((name, p) -> {
            rows.put(name, p.rows());
            previews.put(name, p.preview());
        });
        a.put("rows", rows);
        a.put("previews", previews);
        a.put("skipped", skipHeavy ? List.of("campaigns", "subscribers") : List.of());
        return a;
    }

    // ---- live: store, record, process ----

    private byte[] live(UpdateRequest req, UpdateProgress progress, Instant started, Instant deadline,
            IdempotencyKeys.Completion completion) {
        AccountId account = req.accountId().orElseThrow();
        // snapshots a run left unfinished when it died show as failed: created or processing, their run's mark gone
        int abandoned = snapshots.abandonDead(account);
        if (abandoned > 0) {
            log.warn("Update of {}: {} snapshot(s) left unfinished by a run that died marked failed", account, abandoned);
        }
        Optional<Snapshot> base = snapshots.newestReady(account);
        Optional<ZoneId> baseZone = base.flatMap(b -> snapshots.upload(b.uploadId())).map(Upload::zone);
        Optional<Window> patch = base.map(b -> patchWindow(baseZone.orElse(ZoneOffset.UTC)));
        UploadId uploadId = newUploadId(account);
        Upload upload = snapshots.createUpload(account, uploadId, settings.ingestBucket(), baseZone.orElse(ZoneOffset.UTC));
        // the snapshot is marked live for this run until it ends, however it ends (see Snapshots.Making)
        try (Snapshots.Making making = snapshots.make(upload, base.map(Snapshot::id), patch.map(Window::start),
                patch.map(Window::end))) {
            Snapshot snapshot = making.snapshot();
            try {
                Map<String, Produced> done = produce(plan(req, patch), false, progress, deadline, upload);
                // the flows producer read Klaviyo's account for its timezone: that call's currency comes for free
                FlowSyncReport flows = (FlowSyncReport) done.get("flows").report().details();
                ZoneId zone = flows.zone();
                if (!zone.equals(upload.zone())) {
                    snapshots.setZone(uploadId, zone);
                }
                flows.currency().ifPresent(c -> snapshots.setCurrency(uploadId, c));
                // the days each file was asked for: the snapshot covers them (a day without a row is a zero day)
                CampaignSyncReport campaigns = (CampaignSyncReport) done.get("campaigns").report().details();
                snapshots.setDays(uploadId, flows.window(), campaigns.window());
                checkDeadline(deadline, "processing");
                byte[][] answer = new byte[1][];
                // the answer is recorded under the key in the transaction that makes the snapshot ready: a node that
                // dies after that commit leaves a done key to replay, never a 'running' one a takeover would redo
                Snapshot ready = processor.process(making, (tx, s) -> {
                    answer[0] = bytes(liveAnswer(s, upload, done, base, patch), started);
                    completion.record(tx, new IdempotencyKeys.Answer(200, answer[0]));
                });
                progress.ready(ready.id());
                log.info("Update of {}: snapshot {} ready from upload {}{}", account, ready.id(), uploadId,
                        patch.map(w -> " (patched " + w.start() + ".." + w.end() + " into " + base.get().id() + ")")
                                .orElse(""));
                return answer[0];
            } catch (RuntimeException e) {
                snapshots.fail(snapshot.id(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                throw e;
            }
        }
    }

    /** A live run's answer for its ready snapshot. */
    private static Map<String, Object> liveAnswer(Snapshot ready, Upload upload, Map<String, Produced> done,
            Optional<Snapshot> base, Optional<Window> patch) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("mode", Mode.LIVE.wireName());
        a.put("accountId", upload.accountId().value());
        a.put("uploadId", upload.id().value());
        a.put("snapshotId", ready.id());
        a.put("status", ready.status().wireName());
        a.put("bucket", upload.bucket());
        Map<String, Object> keysWritten = new LinkedHashMap<>();
        Map<String, Object> rows = new LinkedHashMap<>();
        done.forEach((name, p) -> {
            keysWritten.put(name, upload.key(p.file()));
            rows.put(name, p.rows());
        });
        a.put("keys", keysWritten);
        a.put("rows", rows);
        if (patch.isPresent()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("basedOn", base.get().id());
            pm.put("start", patch.get().start().toString());
            pm.put("end", patch.get().end().toString());
            a.put("patch", pm);
        } else {
            a.put("patch", null);
        }
        a.put("reportCalls", done.values().stream().mapToLong(Produced::reportCalls).sum());
        return a;
    }

    /** The last {@code patchDays} whole days before today in the account's timezone. */
    private Window patchWindow(ZoneId zone) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        return new Window(today.minusDays(settings.patchDays()), today.minusDays(1));
    }

    /** Upload ids are global folders in the ingest bucket: the time, the account and a random suffix. */
    private UploadId newUploadId(AccountId account) {
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        return new UploadId(UploadId.at(clock.instant()) + "_" + account + "_" + HexFormat.of().formatHex(r));
    }

    private record Window(LocalDate start, LocalDate end) {}

    /** The three requests of a run. */
    private record Plan(FlowSyncRequest flows, CampaignSyncRequest campaigns, AudienceRequest subscribers) {}

    private Plan plan(UpdateRequest req, Optional<Window> patch) {
        AccountId account = req.accountId().orElse(null);
        Mode mode = req.mode();
        Secret key = req.klaviyoApiKey().orElse(null);
        FlowSyncRequest.Builder f = FlowSyncRequest.builder().mode(mode).accountId(account).klaviyoApiKey(key);
        CampaignSyncRequest.Builder c = CampaignSyncRequest.builder().mode(mode).accountId(account).klaviyoApiKey(key)
                .channel(Upload.CAMPAIGN_CHANNEL);
        if (patch.isPresent()) {
            f.between(patch.get().start(), patch.get().end());
            c.between(patch.get().start(), patch.get().end());
        } else {
            req.days().ifPresent(f::days);
            req.timeframeKey().ifPresent(c::timeframeKey);
        }
        if (req.fast()) {
            f.limitFlows(1).limitMessages(1).enrichMessageNames(false);
        }
        AudienceRequest.Builder s = AudienceRequest.builder().mode(mode).accountId(account).klaviyoApiKey(key)
                .source(AudienceRequest.Source.KLAVIYO).schema(req.audienceSchema());
        if (req.fast()) {
            s.maxPages(0);
        }
        return new Plan(f.build(), c.build(), s.build());
    }

    /** A producer's outcome: its file, rows, preview lines and report. */
    private record Produced(String file, long rows, List<String> preview, SyncReport<?> report) {
        long reportCalls() {
            return report == null ? 0 : report.klaviyoCalls().map(c -> c.endpoint("query_flow_series").calls()
                    + c.endpoint("query_flow_values").calls() + c.endpoint("query_campaign_values").calls()).orElse(0L);
        }
    }

    /**
     * Runs the producers concurrently (each streams its CSV: into the ingest bucket for a live run, nowhere for a
     * dry run) and waits for all of them until the deadline. The first failure stops the others.
     */
    private Map<String, Produced> produce(Plan plan, boolean headersOnly, UpdateProgress progress, Instant deadline,
            Upload upload) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<String, Future<Produced>> running = new LinkedHashMap<>();
            running.put("flows", pool.submit(() -> one("flows", producers.flows(), plan.flows(), false, progress,
                    deadline, upload)));
            running.put("campaigns", pool.submit(() -> one("campaigns", producers.campaigns(), plan.campaigns(),
                    headersOnly, progress, deadline, upload)));
            running.put("subscribers", pool.submit(() -> one("subscribers", producers.subscribers(),
                    plan.subscribers(), headersOnly, progress, deadline, upload)));
            Map<String, Produced> done = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Produced>> e : running.entrySet()) {
                long left = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
                try {
                    done.put(e.getKey(), e.getValue().get(left, TimeUnit.MILLISECONDS));
                } catch (TimeoutException t) {
                    throw deadlineExceeded(deadline, e.getKey());
                } catch (ExecutionException x) {
                    throw producerFailed(e.getKey(), x.getCause());
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw deadlineExceeded(deadline, e.getKey());
                }
            }
            return done;
        } finally {
            pool.shutdownNow(); // after a failure, the other producers stop at their next call or row
        }
    }

    private <R extends SyncRequest, D> Produced one(String name, SyncJob<R, D> job, R request, boolean headerOnly,
            UpdateProgress progress, Instant deadline, Upload upload) throws IOException {
        if (headerOnly) {
            return new Produced(job.fileName(), 0, List.of(String.join(",", job.header(request))), null);
        }
        SyncRunner.Options options = new SyncRunner.Options(n -> progress.progress(name, n),
                n -> progress.expect(name, n), Optional.of(deadline));
        if (upload == null) {
            SyncReport<D> r = runner.export(job, request, OutputStream.nullOutputStream(), options);
            return new Produced(job.fileName(), r.rows(), r.csvPreview(), r);
        }
        SyncReport<?>[] report = new SyncReport<?>[1];
        try {
            // create-only: a new upload's keys are fresh; a retry of this very write stores the same bytes
            store.create(upload.bucket(), upload.key(job.fileName()),
                    out -> report[0] = runner.export(job, request, out, options));
        } catch (ObjectExistsException e) {
            throw new KsyncException(ErrorKind.CONFLICT, "object_exists", upload.key(job.fileName())
                    + " already holds other content in bucket " + upload.bucket(), Map.of("key",
                    upload.key(job.fileName())), e);
        }
        return new Produced(job.fileName(), report[0].rows(), report[0].csvPreview(), report[0]);
    }

    private void checkDeadline(Instant deadline, String stage) {
        if (clock.instant().isAfter(deadline)) {
            throw deadlineExceeded(deadline, stage);
        }
    }

    private KsyncException deadlineExceeded(Instant deadline, String stage) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("deadline", deadline.toString());
        d.put("maxDurationS", settings.maxDuration().toSeconds());
        d.put("stage", stage);
        return new KsyncException(ErrorKind.DEADLINE, "deadline_exceeded", "The update passed its deadline of "
                + settings.maxDuration().toSeconds() + " s (KSYNC_MAX_DURATION_S) while " + stage
                + " was running; it was stopped and no snapshot was made ready. Narrow days or timeframeKey, or raise"
                + " KSYNC_MAX_DURATION_S.", d);
    }

    /** A producer's failure, kind and code kept (Klaviyo's status, code and detail among the details), named. */
    private static KsyncException producerFailed(String producer, Throwable cause) {
        KsyncException k = cause instanceof IOException io
                ? new KsyncException(ErrorKind.UPSTREAM, "storage_failed", "Storing " + producer + " failed: "
                        + io.getMessage(), Map.of(), io)
                : UpstreamErrors.translate(cause).orElse(null);
        if (k == null) {
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("producer", producer);
        d.putAll(k.details());
        String file = switch (producer) {
            case "flows" -> "flows.csv";
            case "campaigns" -> "campaigns.csv";
            default -> "subscribers.csv";
        };
        return new KsyncException(k.kind(), k.blame(), k.code(), "The " + producer + " producer (" + file
                + ") failed, so no snapshot was made: " + k.getMessage(), d, k.retryAt(), k);
    }
}

package dev.ksync.app;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.Account;
import dev.ksync.accounts.NightlyOptions;
import dev.ksync.alert.AlertWebhook;
import dev.ksync.audience.AudienceSchema;
import dev.ksync.backfill.export.OrderExport;
import dev.ksync.orchestrator.UpdateAnswer;
import dev.ksync.orchestrator.UpdateRequest;
import java.io.IOException;
import java.time.ZoneOffset;
import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.audience.AudienceSync;
import dev.ksync.campaigns.CampaignSync;
import dev.ksync.cleanup.Cleanup;
import dev.ksync.orchestrator.IdempotencyKeys;
import dev.ksync.orchestrator.Orchestrator;
import dev.ksync.snapshot.SnapshotFiles;
import dev.ksync.snapshot.SnapshotProcessor;
import dev.ksync.dashboard.Dashboard;
import dev.ksync.snapshot.Snapshots;
import dev.ksync.config.AppConfig;
import dev.ksync.flows.FlowSync;
import dev.ksync.ingest.IngestMode;
import dev.ksync.ingest.IngestRound;
import dev.ksync.ingest.Ingestion;
import dev.ksync.reporting.ReportCache;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.db.PostgresBudgetStore;
import dev.ksync.db.PostgresReportCache;
import dev.ksync.secrets.SecretBox;
import dev.ksync.db.Database;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.schedule.NightlyRuns;
import dev.ksync.schedule.ScheduleBoard;
import dev.ksync.schedule.ScheduledTasks;
import dev.ksync.schedule.SchedulerNode;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.ObjectStores;
import dev.ksync.sync.SyncRunner;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillListener;
import dev.ksync.backfill.BackfillStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one composition root: builds every service from the configuration, by constructor, in dependency order.
 * The HTTP API, the CLI commands and scheduled tasks are doors onto the services held here.
 */
public final class Ksync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ksync.class);
    private final AppConfig config;
    private final Clock clock;
    private final Database database;
    private final ObjectStore objectStore;
    private final AccountService accounts;
    private final PrometheusMeterRegistry metrics;
    private final KlaviyoAccess klaviyo;
    private final SyncRunner syncs;
    private final AudienceSync audience;
    private final FlowSync flows;
    private final CampaignSync campaigns;
    private final Snapshots snapshots;
    private final SnapshotProcessor snapshotProcessor;
    private final IdempotencyKeys idempotencyKeys;
    private final Orchestrator orchestrator;
    private final Cleanup cleanup;
    private final SchedulerNode scheduler;
    private final ScheduleBoard schedules;
    private final Ingestion ingestion;
    private final SnapshotFiles snapshotFiles;
    private final Dashboard dashboard;
    private final Backfill backfill;
    private final OrderExport orderExport;
    private final Optional<AlertWebhook> alerts;

    private Ksync(AppConfig config, Clock clock, Database database, SecretBox box) {
        this.config = config;
        this.clock = clock;
        this.database = database;
        this.objectStore = ObjectStores.forConfig(config);
        this.accounts = new AccountService(database.jdbi(), box, clock);
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // report windows (2/min, 225/day) count in PostgreSQL: every ksync on this database shares them
        this.klaviyo = new KlaviyoAccess(config.klaviyo(), accounts::apiKey, clock, new KlaviyoMetrics(metrics),
                new PostgresBudgetStore(database.jdbi()));
        this.syncs = new SyncRunner(klaviyo, objectStore, clock);
        this.audience = new AudienceSync(syncs, config.storage().buckets());
        // a plan is checked against what the daily report windows (in PostgreSQL) have left, before any call
        ReportQuota quota = ReportQuota.budgets();
        // walked flows, conversion metrics and audience names per Klaviyo account, shared by every process
        ReportCache caches = new PostgresReportCache(database.jdbi());
        this.flows = new FlowSync(new FlowSync.Settings(config.klaviyo().placedOrderMetricId(),
                config.jobs().flowRowBudget()), quota, caches, clock);
        this.campaigns = new CampaignSync(new CampaignSync.Settings(config.klaviyo().placedOrderMetricId()), quota,
                caches, clock);
        this.snapshots = new Snapshots(database.jdbi(), clock);
        this.snapshotProcessor = new SnapshotProcessor(snapshots, objectStore, clock);
        this.idempotencyKeys = new IdempotencyKeys(database.jdbi(), clock);
        this.orchestrator = new Orchestrator(new Orchestrator.Settings(config.storage().buckets().dataIngest(),
                config.jobs().maxDuration(), config.jobs().patchDays()),
                new Orchestrator.Producers(flows, campaigns, audience), syncs, objectStore, snapshots,
                snapshotProcessor, idempotencyKeys, clock);
        this.cleanup = new Cleanup(database.jdbi(), objectStore, config.storage().buckets(), idempotencyKeys, clock,
                config.jobs().retentionDays());
        this.ingestion = new Ingestion(database.jdbi(), Ingestion.Clients.of(klaviyo), accounts,
                ingestSettings(config), clock);
        this.orderExport = new OrderExport(database.jdbi());
        this.alerts = AlertWebhook.forUrl(config.alerts().webhookUrl());
        NightlyRuns nightlyRuns = new NightlyRuns(database.jdbi());
        ScheduledTasks tasks = new ScheduledTasks(config.schedules(), accounts, nightlyRuns, this::nightlyUpdate,
                this::scheduledCleanup, this::scheduledIngest, new NightlyMetrics(metrics), clock,
                SchedulerNode.localName());
        this.backfill = new Backfill(new Backfill.Settings(config.klaviyo().placedOrderMetricId(),
                config.jobs().backfillRefreshDays()),
                new BackfillStore(database.jdbi()), accounts, klaviyo, quota, clock, backfillListener(),
                this::schedulerClient);
        this.scheduler = new SchedulerNode(database.dataSource(), config.schedules(), tasks, List.of(backfill.task()));
        this.schedules = new ScheduleBoard(database.jdbi(), config.schedules(), nightlyRuns, clock);
        this.snapshotFiles = new SnapshotFiles(snapshots, objectStore);
        this.dashboard = new Dashboard(database.jdbi(), accounts, snapshots, snapshotProcessor, schedules, clock);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        sweepTemporaries();
    }

    private SchedulerClient schedulerClient() {
        return scheduler.client();
    }

    /** Told when a backfill completes or fails: the alert webhook (KSYNC_ALERT_WEBHOOK_URL) when one is set. */
    private BackfillListener backfillListener() {
        return alerts.<BackfillListener>map(a -> a).orElse(BackfillListener.NONE);
    }

    /**
     * Deletes the temporary files of writes that died with their process (a crash, a kill -9). Only those untouched
     * for {@link ObjectStore#STALE_TEMPORARY_AGE}: another ksync process may be writing into the same store right now.
     * Called at start; the cleanup job calls it too.
     */
    public int sweepTemporaries() {
        try {
            Instant cutoff = clock.instant().minus(ObjectStore.STALE_TEMPORARY_AGE);
            int swept = objectStore.sweepTemporaries(cutoff) + SyncRunner.sweepSpools(cutoff);
            if (swept > 0) {
                log.info("Deleted {} temporary file(s) left by interrupted writes in {}", swept, objectStore.describe());
            }
            return swept;
        } catch (IOException e) {
            log.warn("Could not sweep temporary files in {}: {}", objectStore.describe(), e.getMessage());
            return 0;
        }
    }

    /**
     * One account's nightly update, as the schedule runs it: a live update with the account's nightly options under
     * the key {@code nightly-<utcDay>} in the account's key space, so a second firing (or node) replays instead of
     * working. Anything but a 2xx answer fails the run (retried unless the user must fix it first).
     */
    private void nightlyUpdate(AccountId account, LocalDate utcDay) {
        requireKlaviyoEnabled("The nightly update of " + account, "it calls Klaviyo and writes storage");
        NightlyOptions options = accounts.find(account).map(Account::nightly).orElseThrow(
                () -> AccountService.notRegistered(account, "it was removed after the nightly run listed it"));
        UpdateAnswer answer = orchestrator.run(UpdateRequest.nightly(account, options.days(), options.timeframeKey(),
                options.audienceSchema().orElse(AudienceSchema.MINIMAL), utcDay.atStartOfDay(ZoneOffset.UTC).toInstant()));
        if (answer.status() / 100 != 2) {
            throw new KsyncException(ErrorKind.UPSTREAM, "nightly_update_failed", "The nightly update of " + account
                    + " for " + utcDay + " answered " + answer.status() + ": " + answer.text(),
                    Map.of("accountId", account.value(), "status", answer.status()));
        }
        continueBackfill(account);
    }

    /** The nightly continuation of a completed backfill; its failure does not fail the night's update. */
    void continueBackfill(AccountId account) {
        try {
            backfill.extend(account);
        } catch (RuntimeException e) {
            log.warn("Could not extend the backfill of {}: {}", account, e.getMessage());
        }
    }

    /**
     * KSYNC_INGEST_CRON's work: an incremental raw ingestion of every enabled account (with none registered, of the
     * default account on the environment's key). Every account runs; then the run fails when any of them failed, so the
     * schedule's outcome says so and the task's retries apply (not to a round only the user can fix, see
     * {@link IngestRound#error()}).
     */
    private void scheduledIngest() {
        requireKlaviyoEnabled("Scheduled raw ingestion (KSYNC_INGEST_CRON)", "it calls Klaviyo");
        IngestRound round = ingestion.runAll(IngestMode.INC, config.klaviyo().apiKey().isPresent());
        round.error().ifPresent(e -> {
            throw e;
        });
    }

    /** KSYNC_CLEANUP_CRON's work: removes what is past the retention, as {@code POST /api/cleanup {"dryRun":false}}. */
    private void scheduledCleanup() {
        requireKlaviyoEnabled("The scheduled cleanup (KSYNC_CLEANUP_CRON)", "it deletes stored objects");
        cleanup.run(false);
    }

    /**
     * The scheduled work's gate (PRODUCT.md §1), one for every schedule: work that calls Klaviyo or writes storage
     * fails as {@code klaviyo_disabled} unless KLAVIYO_ENABLE=true, and the scheduler logs that line and records the
     * run failed.
     *
     * @param work what was about to run; {@code why} why it needs Klaviyo enabled
     */
    private void requireKlaviyoEnabled(String work, String why) {
        if (!config.klaviyo().enabled()) {
            throw KsyncException.klaviyoDisabled(work + " needs KLAVIYO_ENABLE=true (" + why + "); this run did"
                    + " nothing: set KLAVIYO_ENABLE=true for the next one");
        }
    }

    /** The runbook's ingestion settings, schema and lookback configured; the connection pool is sized from the same. */
    private static Ingestion.Settings ingestSettings(AppConfig config) {
        return Ingestion.Settings.DEFAULT.inSchema(config.jobs().ingestSchema())
                .withLookback(config.jobs().ingestLookback()).keepingLinks(config.jobs().ingestKeepLinks());
    }

    /** Starts everything: opens (or starts) PostgreSQL and migrates it. */
    public static Ksync start(AppConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static Ksync start(AppConfig config, Clock clock) {
        // Fail on a missing KSYNC_SECRET_KEY before starting a database we would not be able to use.
        SecretBox box = SecretBox.forConfig(config);
        // Long runs hold connections for their whole length: each scheduler thread's and each concurrent HTTP update
        // two, its idempotency key's lock and its snapshot's liveness mark (Snapshots.Making, whose connection it
        // processes the snapshot on), beside a short one (a process asked for by hand holds one, its mark's); each
        // ingest run one per datasource it loads at once (the scheduled one runs on a scheduler thread, counted above,
        // and needs the rest of its datasources' beside it). A backfill on a scheduler thread holds two: its worker
        // lock's and its day's transaction.
        int ingest = ingestSettings(config).parallel();
        Database db = Database.open(config.database(), config.dataDir(), 3 * config.schedules().threads()
                + 2 * config.http().maxConcurrentUpdates()
                + config.http().maxConcurrentIngests() * ingest + (ingest - 1));
        try {
            return new Ksync(config, clock, db, box);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public AppConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Database database() {
        return database;
    }

    public ObjectStore objectStore() {
        return objectStore;
    }

    public AccountService accounts() {
        return accounts;
    }

    public KlaviyoAccess klaviyo() {
        return klaviyo;
    }

    /** Runs any sync job: dry-run or live, with its accounting and errors. */
    public SyncRunner syncs() {
        return syncs;
    }

    public AudienceSync audience() {
        return audience;
    }

    /** The flows.csv job, run by {@link #syncs()}. */
    public FlowSync flows() {
        return flows;
    }

    /** The campaigns.csv job, run by {@link #syncs()}. */
    public CampaignSync campaigns() {
        return campaigns;
    }

    public Snapshots snapshots() {
        return snapshots;
    }

    /** A snapshot's three CSVs, read back by snapshot id (downloads never expose bucket paths). */
    public SnapshotFiles snapshotFiles() {
        return snapshotFiles;
    }

    /** An account's dashboard over a range: series, totals, top flows and campaigns, computed in PostgreSQL. */
    public Dashboard dashboard() {
        return dashboard;
    }

    /** Turns an upload's three CSVs into a snapshot's series and totals. */
    public SnapshotProcessor snapshotProcessor() {
        return snapshotProcessor;
    }

    /** The dashboard update: the three producers, the upload, the snapshot; idempotent by key. */
    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Removes what is older than KSYNC_RETENTION_DAYS, never an account's newest ready snapshot. */
    public Cleanup cleanup() {
        return cleanup;
    }

    /** This process's scheduler: started by {@code ksync serve} (not with --no-scheduler), stopped by {@link #close}. */
    public SchedulerNode scheduler() {
        return scheduler;
    }

    /** The schedules as every node sees them, for {@code GET /api/schedules}. */
    public ScheduleBoard schedules() {
        return schedules;
    }

    /** Raw ingestion into PostgreSQL; {@code ingestion().runAll(IngestMode.INC, …)} is KSYNC_INGEST_CRON's work. */
    public Ingestion ingestion() {
        return ingestion;
    }

    /** Historical backfills (issue 13), run by the scheduler's backfill task. */
    public Backfill backfill() {
        return backfill;
    }

    /** Backfilled orders of a range of days as CSV or XLSX, streamed. */
    public OrderExport orderExport() {
        return orderExport;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
        scheduler.close(); // first: running work may still need the database and the store
        alerts.ifPresent(AlertWebhook::close); // after the work that sends them: queued alerts get a moment to go out
        if (objectStore instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing an S3 client cannot lose data
            }
        }
        klaviyo.close();
        metrics.close();
        database.close();
    }
}

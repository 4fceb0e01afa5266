package dev.ksync.app;

import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.audience.AudienceSync;
import dev.ksync.campaigns.CampaignSync;
import dev.ksync.config.AppConfig;
import dev.ksync.flows.FlowSync;
import dev.ksync.reporting.ReportCache;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.db.PostgresBudgetStore;
import dev.ksync.db.PostgresReportCache;
import dev.ksync.secrets.SecretBox;
import dev.ksync.db.Database;
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

/**
 * The one composition root: builds every service from the configuration, by constructor, in dependency order.
 * The HTTP API, the CLI commands and scheduled tasks are doors onto the services held here.
 */
public final class Ksync implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Ksync.class);
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
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        sweepTemporaries();
    }

    /**
     * Deletes the temporary files of writes that died with their process (a crash, a kill -9). Only those untouched
     * for {@link ObjectStore#STALE_TEMPORARY_AGE}: another ksync process may be writing into the same store right now.
     * Called at start; the cleanup job calls it too.
     */
    public int sweepTemporaries() {
        try {
            int swept = objectStore.sweepTemporaries(clock.instant().minus(ObjectStore.STALE_TEMPORARY_AGE));
            if (swept > 0) {
                log.info("Deleted {} temporary file(s) left by interrupted writes in {}", swept, objectStore.describe());
            }
            return swept;
        } catch (java.io.IOException e) {
            log.warn("Could not sweep temporary files in {}: {}", objectStore.describe(), e.getMessage());
            return 0;
        }
    }

    /** Starts everything: opens (or starts) PostgreSQL and migrates it. */
    public static Ksync start(AppConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static Ksync start(AppConfig config, Clock clock) {
        // Fail on a missing KSYNC_SECRET_KEY before starting a database we would not be able to use.
        SecretBox box = SecretBox.forConfig(config);
        Database db = Database.open(config.database(), config.dataDir());
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

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
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

package dev.ksync.app;

import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.audience.AudienceSync;
import dev.ksync.config.AppConfig;
import dev.ksync.db.PostgresBudgetStore;
import dev.ksync.secrets.SecretBox;
import dev.ksync.storage.Database;
import dev.ksync.store.ObjectStore;
import dev.ksync.store.ObjectStores;
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
    private final AppConfig config;
    private final Clock clock;
    private final Database database;
    private final ObjectStore objectStore;
    private final AccountService accounts;
    private final PrometheusMeterRegistry metrics;
    private final KlaviyoAccess klaviyo;
    private final AudienceSync audience;

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
        this.audience = new AudienceSync(klaviyo, objectStore, config.storage().buckets(), clock);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
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

    public AudienceSync audience() {
        return audience;
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

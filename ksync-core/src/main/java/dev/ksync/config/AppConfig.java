package dev.ksync.config;

import dev.ksync.ingest.Ingestion;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.schedule.Cron;
import dev.ksync.store.ObjectKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything ksync reads from its environment, read once at start-up. {@link #load(Map)} reports all invalid values
 * together, naming each variable and what it allows but never its value (a value may be a secret put in the wrong
 * place). Secrets are {@link Secret}s, so the records' toString never shows them.
 */
public record AppConfig(
        HttpSettings http,
        Path dataDir,
        DatabaseSettings database,
        Optional<Secret> secretKey,
        StorageSettings storage,
        KlaviyoSettings klaviyo,
        JobSettings jobs,
        ScheduleSettings schedules,
        AlertSettings alerts,
        LogSettings logging) {

    public static final int DEFAULT_PORT = 3000;
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_UPDATES = 8;
    public static final int DEFAULT_MAX_CONCURRENT_INGESTS = 2;
    public static final String DEFAULT_KLAVIYO_BASE_URL = "https://a.klaviyo.com";
    /** Newest revision of the stored Klaviyo spec (spec/klaviyo/SOURCE.md). */
    public static final String DEFAULT_KLAVIYO_REVISION = KlaviyoClientConfig.REVISION;

    /**
     * @param maxConcurrentUpdates KSYNC_MAX_CONCURRENT_UPDATES: updates the HTTP API runs at once; each holds pooled
     *                             connections for its idempotency key's lock and its snapshot's liveness mark, so a
     *                             crowd of them must not drain the pool
     * @param maxConcurrentIngests KSYNC_MAX_CONCURRENT_INGESTS: raw ingest runs the HTTP API runs at once; each holds a
     *                             pooled connection per datasource it loads at once, so the same holds for them
     */
    public record HttpSettings(int port, long maxBodyBytes, Optional<Secret> adminJobSecret, int maxConcurrentUpdates,
                               int maxConcurrentIngests) {}

    /** {@code url} is empty for the embedded PostgreSQL under {@code dataDir/pg}. It may hold a password: a Secret. */
    public record DatabaseSettings(Optional<Secret> url) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    public record S3Settings(
            Optional<URI> endpoint, String region, Optional<Secret> accessKeyId, Optional<Secret> secretAccessKey,
            boolean pathStyle) {}

    public record Buckets(String audienceStaging, String flowStaging, String campaignStaging, String dataIngest) {}

    /** {@code s3} is present when S3_ENDPOINT or S3_REGION is set; the filesystem store is used otherwise. */
    public record StorageSettings(Buckets buckets, Optional<S3Settings> s3) {}

    public record KlaviyoSettings(
            boolean enabled,
            URI baseUrl,
            String revision,
            Optional<Secret> apiKey,
            Optional<Integer> globalBurst,
            Optional<Integer> globalPerMinute,
            Optional<String> placedOrderMetricId,
            int rateScale) {}

    /**
     * Limits of the sync jobs and the nightly update.
     *
     * @param maxDuration   KSYNC_MAX_DURATION_S: the deadline of one update run (504 past it)
     * @param retentionDays KSYNC_RETENTION_DAYS: what cleanup removes is older than this
     * @param patchDays     KSYNC_PATCH_DAYS: the days an update of an account with a ready snapshot fetches again
     * @param ingestSchema  KSYNC_INGEST_SCHEMA: the raw ingestion's schema per account, {@code {accountId}} replaced
     * @param backfillRefreshDays KSYNC_BACKFILL_REFRESH_DAYS: the nightly continuation of a completed backfill fetches
     *                      again the flow and campaign statistics of its days among the last this many (0: none)
     * @param ingestLookback KSYNC_INGEST_LOOKBACK_MINUTES: a raw ingestion window starts this much before the
     *                      table's max, for records Klaviyo lists late (0: the runbook's window)
     * @param ingestKeepLinks KSYNC_INGEST_KEEP_LINKS: raw ingestion stores each record with its JSON:API links
     */
    public record JobSettings(int flowRowBudget, Duration maxDuration, int retentionDays, int patchDays,
                              String ingestSchema, int backfillRefreshDays, Duration ingestLookback,
                              boolean ingestKeepLinks) {}

    public static final int DEFAULT_MAX_DURATION_S = 800;
    public static final int DEFAULT_RETENTION_DAYS = 30;
    public static final int DEFAULT_PATCH_DAYS = 6;
    /** Klaviyo attributes conversions for days after a send (5 by default) and opens keep arriving. */
    public static final int DEFAULT_BACKFILL_REFRESH_DAYS = 14;
    /** One flow series report (60 days) reads the refresh window with the new days. */
    public static final int MAX_BACKFILL_REFRESH_DAYS = 60;

    /** A week: what a window re-reads each run is paid in Klaviyo calls. */
    public static final int MAX_INGEST_LOOKBACK_MINUTES = 7 * 24 * 60;

    public static final String DEFAULT_NIGHTLY_CRON = "5 3 * * *";
    public static final String DEFAULT_CLEANUP_CRON = "0 2 * * *";

    /**
     * The built-in schedules (cron in UTC) and this node's scheduler: how many scheduled runs it works on at once, how
     * often it proves it is alive (a node silent for {@link #deadAfter()} is dead and its runs go to another), how
     * often it looks for due work. {@code ingest} is empty when raw ingestion is off.
     */
    public record ScheduleSettings(Cron nightly, Cron cleanup, Optional<Cron> ingest, int threads, Duration heartbeat,
                                   Duration pollInterval) {
        /** db-scheduler's rule: this many missed heartbeats make an execution dead. */
        public static final int MISSED_HEARTBEATS = 6;

        public Duration deadAfter() {
            return heartbeat.multipliedBy(MISSED_HEARTBEATS);
        }
    }

    /**
     * Where backfill completions and failures are POSTed ({@code KSYNC_ALERT_WEBHOOK_URL}); empty sends none. A
     * Secret, because a webhook URL usually carries its token (in the path or the query).
     */
    public record AlertSettings(Optional<Secret> webhookUrl) {}

    public static AppConfig fromSystemEnv() {
        return load(System.getenv());
    }

    public static AppConfig load(Map<String, String> env) {
        return load(env, true);
    }

    /**
     * The configuration of a command that opens no stored Klaviyo key ({@code ksync db migrate}): KSYNC_SECRET_KEY is
     * not required with DATABASE_URL (one that is set is checked as always). {@code SecretBox} still refuses a
     * DATABASE_URL without it, should anything try to open a key.
     */
    public static AppConfig loadWithoutSecretKey(Map<String, String> env) {
        return load(env, false);
    }

    private static AppConfig load(Map<String, String> env, boolean secretKeyRequired) {
        EnvReader r = new EnvReader(env);

        HttpSettings http = new HttpSettings(
                r.intIn("PORT", DEFAULT_PORT, 0, 65535),
                r.longIn("KSYNC_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024, 1L << 34),
                r.secret("ADMIN_JOB_SECRET"),
                r.intIn("KSYNC_MAX_CONCURRENT_UPDATES", DEFAULT_MAX_CONCURRENT_UPDATES, 1, 64),
                r.intIn("KSYNC_MAX_CONCURRENT_INGESTS", DEFAULT_MAX_CONCURRENT_INGESTS, 1, 16));

        Path dataDir = Path.of(r.string("KSYNC_DATA_DIR", "./data")).toAbsolutePath().normalize();

        Optional<Secret> dbUrl = r.secret("DATABASE_URL");
        dbUrl.ifPresent(u -> {
            try {
                JdbcUrl.parse(u.value());
            } catch (IllegalArgumentException e) {
                r.problem("DATABASE_URL is invalid: " + e.getMessage() + "; allowed: postgres://user:pass@host:5432/db"
                        + " or jdbc:postgresql://host:5432/db?user=...");
            }
        });

        Optional<Secret> secretKey = r.secret("KSYNC_SECRET_KEY");
        secretKey.ifPresent(k -> {
            if (k.value().length() < 16) {
                r.problem("KSYNC_SECRET_KEY is too short; allowed: at least 16 characters (e.g. `openssl rand -base64 32`)");
            }
        });
        if (secretKeyRequired && dbUrl.isPresent() && secretKey.isEmpty()) {
            // reported with the rest, not by the first start that opens the key box (SecretBox also refuses it)
            r.problem("KSYNC_SECRET_KEY is required when DATABASE_URL is set (it encrypts Klaviyo API keys in the"
                    + " shared database); generate one with `openssl rand -base64 32` and set the same on every node");
        }

        Buckets buckets = new Buckets(
                bucket(r, "AUDIENCE_STAGING_BUCKET", "audience-staging"),
                bucket(r, "FLOW_STAGING_BUCKET", "flow-staging"),
                bucket(r, "CAMPAIGN_STAGING_BUCKET", "campaign-staging"),
                bucket(r, "DATA_INGEST_BUCKET", r.optional("PREAUTH_BUCKET").map(v -> bucket(r, "PREAUTH_BUCKET", v))
                        .orElse("data-ingest")));
        Optional<S3Settings> s3 = s3(r);

        String revision = r.string("KLAVIYO_API_REVISION", DEFAULT_KLAVIYO_REVISION);
        if (!KlaviyoClientConfig.isSupportedRevision(revision)) {
            // (an older revision answers ksync's page sizes and message fields with 400s)
            r.problem("KLAVIYO_API_REVISION is " + (KlaviyoClientConfig.isRevision(revision) ? "older than ksync supports"
                    : "invalid") + "; allowed: a revision date from " + KlaviyoClientConfig.OLDEST_REVISION + " on, like "
                    + DEFAULT_KLAVIYO_REVISION + " (the default)");
        }
        KlaviyoSettings klaviyo = new KlaviyoSettings(
                r.bool("KLAVIYO_ENABLE", false),
                r.httpUrl("KLAVIYO_BASE_URL").orElse(URI.create(DEFAULT_KLAVIYO_BASE_URL)),
                revision,
                r.secret("KLAVIYO_API_KEY_PRIVATE").or(() -> r.secret("KLAVIYO_API_KEY")),
                r.optionalIntIn("KLAVIYO_LIMIT_GLOBAL_BURST", 1, 100_000),
                r.optionalIntIn("KLAVIYO_LIMIT_GLOBAL_PER_MINUTE", 1, 1_000_000),
                r.optional("SHOPIFY_PLACED_ORDER_METRIC_ID"),
                r.intIn("KLAVIYO_RATE_SCALE", 1, 1, 100_000));

        JobSettings jobs = new JobSettings(
                r.intIn("FLOW_ROW_BUDGET", 50_000, 1, 10_000_000),
                Duration.ofSeconds(r.intIn("KSYNC_MAX_DURATION_S", DEFAULT_MAX_DURATION_S, 1, 86_400)),
                r.intIn("KSYNC_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1, 3650),
                r.intIn("KSYNC_PATCH_DAYS", DEFAULT_PATCH_DAYS, 1, 30),
                ingestSchema(r),
                r.intIn("KSYNC_BACKFILL_REFRESH_DAYS", DEFAULT_BACKFILL_REFRESH_DAYS, 0, MAX_BACKFILL_REFRESH_DAYS),
                Duration.ofMinutes(r.intIn("KSYNC_INGEST_LOOKBACK_MINUTES", 0, 0, MAX_INGEST_LOOKBACK_MINUTES)),
                r.bool("KSYNC_INGEST_KEEP_LINKS", false));

        ScheduleSettings schedules = new ScheduleSettings(
                cron(r, "KSYNC_NIGHTLY_CRON").orElseGet(() -> new Cron(DEFAULT_NIGHTLY_CRON)),
                cron(r, "KSYNC_CLEANUP_CRON").orElseGet(() -> new Cron(DEFAULT_CLEANUP_CRON)),
                cron(r, "KSYNC_INGEST_CRON"),
                r.intIn("KSYNC_SCHEDULER_THREADS", 4, 1, 64),
                Duration.ofSeconds(r.intIn("KSYNC_SCHEDULER_HEARTBEAT_S", 30, 1, 3600)),
                Duration.ofSeconds(r.intIn("KSYNC_SCHEDULER_POLL_S", 10, 1, 600)));

        AlertSettings alerts = new AlertSettings(r.secretHttpUrl("KSYNC_ALERT_WEBHOOK_URL"));
        LogSettings logging = LogSettings.read(r);

        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return new AppConfig(http, dataDir, new DatabaseSettings(dbUrl), secretKey,
                new StorageSettings(buckets, s3), klaviyo, jobs, schedules, alerts, logging);
    }

    /** An S3 region: letters, digits, '-' and '_' (AWS's {@code eu-west-1}, MinIO's or Supabase's own names). */
    private static final Pattern S3_REGION =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /**
     * S3 when S3_ENDPOINT or S3_REGION selects it. Its credentials come as a pair or not at all (then the AWS default
     * chain), and S3 settings without S3 selected are an error: either would otherwise pass unnoticed (another
     * identity, or every object on the local filesystem). Problems name the variables, never a value.
     */
    private static Optional<S3Settings> s3(EnvReader r) {
        Optional<URI> endpoint = r.httpUrl("S3_ENDPOINT");
        Optional<String> region = r.optional("S3_REGION");
        Optional<Secret> keyId = r.secret("S3_ACCESS_KEY_ID");
        Optional<Secret> secretKey = r.secret("S3_SECRET_ACCESS_KEY");
        region.filter(v -> !S3_REGION.matcher(v).matches()).ifPresent(v -> r.problem(
                "S3_REGION is invalid; allowed: a region name of letters, digits, '-' and '_', e.g. us-east-1"));
        if (keyId.isPresent() != secretKey.isPresent()) {
            r.problem((keyId.isPresent() ? "S3_ACCESS_KEY_ID is set without S3_SECRET_ACCESS_KEY"
                    : "S3_SECRET_ACCESS_KEY is set without S3_ACCESS_KEY_ID")
                    + "; allowed: both (static credentials) or neither (the AWS default credential chain)");
        }
        if (r.optional("S3_ENDPOINT").isEmpty() && region.isEmpty()) {
            List<String> stray = Stream.of("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
                    "S3_PATH_STYLE").filter(n -> r.optional(n).isPresent()).toList();
            if (!stray.isEmpty()) {
                r.problem(String.join(", ", stray) + (stray.size() == 1 ? " is" : " are")
                        + " set but S3 is not selected; allowed: set S3_ENDPOINT or S3_REGION to store objects in S3,"
                        + " or unset "
                        + (stray.size() == 1 ? "it" : "them") + " to store them on the local filesystem");
            }
            return Optional.empty();
        }
        return Optional.of(new S3Settings(endpoint, region.orElse("us-east-1"), keyId, secretKey,
                r.bool("S3_PATH_STYLE", endpoint.isPresent())));
    }

    private static Optional<Cron> cron(EnvReader r, String name) {
        try {
            return r.optional(name).map(Cron::new);
        } catch (IllegalArgumentException e) {
            r.problem(name + " is invalid; allowed: " + Cron.ALLOWED);
            return Optional.empty();
        }
    }

    /** A template giving each account a schema of its own: a value without {accountId} would share one. */
    private static String ingestSchema(EnvReader r) {
        String v = r.string("KSYNC_INGEST_SCHEMA", Ingestion.Settings.DEFAULT_SCHEMA);
        if (!Ingestion.Settings.isSchemaTemplate(v)) {
            r.problem("KSYNC_INGEST_SCHEMA is invalid; allowed: " + Ingestion.Settings.SCHEMA_RULE);
        }
        return v;
    }

    private static String bucket(EnvReader r, String name, String fallback) {
        String v = r.string(name, fallback);
        if (!ObjectKeys.isBucket(v)) {
            r.problem(name + " is invalid; allowed: " + ObjectKeys.BUCKET_RULE);
        }
        return v;
    }

    /** A copy with another HTTP port (for {@code ksync serve --port}). */
    public AppConfig withPort(int port) {
        return new AppConfig(new HttpSettings(port, http.maxBodyBytes(), http.adminJobSecret(), http.maxConcurrentUpdates(),
                http.maxConcurrentIngests()), dataDir, database, secretKey, storage, klaviyo, jobs, schedules, alerts,
                logging);
    }

    public AppConfig withKlaviyo(KlaviyoSettings k) {
        return new AppConfig(http, dataDir, database, secretKey, storage, k, jobs, schedules, alerts, logging);
    }
}

package dev.ksync.ingest;

import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.Secret;
import dev.ksync.db.Database;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listing;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Partitioning;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.endpoint.Endpoint;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.error.Blame;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import dev.ksync.klaviyo.wire.RawResource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the runbook's ingestion workflow ({@code klaviyo_ingest_inc.dig} / {@code _hist.dig}) for one account: per
 * datasource, at most {@link Settings#parallel} at once, log start; create the table if missing; window from the
 * table's max incremental field (or {@code default_start_time}) to now; fetch Klaviyo's raw records in the window;
 * append them with {@code time} = upload time; log success or the error. A datasource's window is one transaction: a
 * run killed mid-datasource leaves its table as it was, so the next run starts from the same place. Records sharing
 * the window's start are fetched again and kept once (the table's unique key).
 */
public final class Ingestion {
    private static final Logger log = LoggerFactory.getLogger(Ingestion.class);
    /** The account label (and schema suffix) of a run that names no account. */
    public static final String DEFAULT_ACCOUNT = "default";
    /** Listings big enough to page in parallel time slices when the window is long. */
    private static final Set<Endpoint> PARTITIONED = Set.of(Endpoints.PROFILES, Endpoints.EVENTS);

    /**
     * @param schemaTemplate  the account's schema, {@code {accountId}} replaced (runbook: {@code databases.src})
     * @param parallel        datasources at once (the runbook's {@code _parallel: {limit: 3}})
     * @param batchRows       rows per COPY batch (memory holds at most 4 batches: see {@code RawTable#load})
     * @param partitionAbove  windows longer than this page profiles and events in parallel slices (a history, a
     *                        first load); shorter ones, as a daily incremental run's, take one cursor, so a run
     *                        with nothing new costs one call
     * @param lookback        an incremental window starts this much before the table's max (never before
     *                        {@code default_start_time}): records Klaviyo lists only after a run has read past their
     *                        time (an event sent in late with the time it happened) are fetched again and kept once;
     *                        zero is the runbook's window, whose run with nothing new costs one call
     * @param keepLinks       store each record with its JSON:API {@code links} (URLs Klaviyo makes from the id; two
     *                        fifths of an event's bytes and of PostgreSQL's work storing it): off, they are left out
     */
    public record Settings(String schemaTemplate, int parallel, int batchRows, Duration partitionAbove,
                           Duration lookback, boolean keepLinks) {
        public static final String DEFAULT_SCHEMA = "klaviyo_{accountId}";
        /** What a schema template (KSYNC_INGEST_SCHEMA) may be. */
        public static final String SCHEMA_RULE = "lower-case letters, digits and '_' around {accountId} (required:"
                + " each account its own schema), starting with a letter, '_' or {accountId}, not with pg_"
                + " (e.g. " + DEFAULT_SCHEMA + ")";
        private static final Pattern SCHEMA_TEMPLATE = Pattern.compile("([a-z_][a-z0-9_]*)?\\{accountId}[a-z0-9_]*");
        public static final Settings DEFAULT = new Settings(DEFAULT_SCHEMA, 3, 5_000, Duration.ofDays(7), Duration.ZERO,
                false);

        public Settings {
            if (!isSchemaTemplate(schemaTemplate)) {
                throw new IllegalArgumentException("schemaTemplate allows " + SCHEMA_RULE);
            }
            if (lookback.isNegative()) throw new IllegalArgumentException("lookback is negative: " + lookback);
        }

        /** Whether {@code template} makes a schema of its own for each account ({@link #SCHEMA_RULE}). */
        public static boolean isSchemaTemplate(String template) {
            return template != null && SCHEMA_TEMPLATE.matcher(template).matches() && !template.startsWith("pg_");
        }

        /** These settings with the account schemas made from {@code template}. */
        public Settings inSchema(String template) {
            return new Settings(template, parallel, batchRows, partitionAbove, lookback, keepLinks);
        }

        /** These settings with incremental windows starting {@code lookback} before the table's max. */
        public Settings withLookback(Duration lookback) {
            return new Settings(schemaTemplate, parallel, batchRows, partitionAbove, lookback, keepLinks);
        }

        /** These settings storing each record with its links ({@code keepLinks}) or without. */
        public Settings keepingLinks(boolean keep) {
            return new Settings(schemaTemplate, parallel, batchRows, partitionAbove, lookback, keep);
        }
    }

    private final Jdbi jdbi;
    private final Clients clients;
    private final AccountService accounts;
    private final IngestionLog ingestionLog;
    private final Settings settings;
    private final Clock clock;

    /**
     * Where a run gets its Klaviyo client: the registered account's key, else the request's, else the environment's.
     */
    @FunctionalInterface
    public interface Clients {
        KlaviyoClient client(Optional<AccountId> accountId, Optional<Secret> requestKey);

        static Clients of(KlaviyoAccess access) {
            return access::client;
        }
    }

    public Ingestion(Jdbi jdbi, Clients clients, AccountService accounts, Settings settings, Clock clock) {
        this.jdbi = jdbi;
        this.clients = clients;
        this.accounts = accounts;
        this.ingestionLog = new IngestionLog(jdbi);
        this.settings = settings;
        this.clock = clock;
    }

    public IngestionLog log() {
        return ingestionLog;
    }

    /**
     * The schema of an account's tables: the template with the account id in it; past the 63 characters PostgreSQL
     * keeps of a name, cut with a hash of the whole ({@link RawTable#fit}), so that every account has its own.
     */
    public String schemaOf(String accountId) {
        String s = RawTable.fit(settings.schemaTemplate().replace("{accountId}", accountId), RawTable.MAX_NAME);
        if (s.startsWith("pg_") || s.equals("public") || s.equals("information_schema")) {
            throw KsyncException.badInput("accountId", accountId, "an account whose schema ("
                    + settings.schemaTemplate() + ") is not " + s + ", a schema of PostgreSQL's own");
        }
        return s;
    }

    /**
     * {@code mode} for every enabled registered account, one after another (KSYNC_INGEST_CRON runs {@code inc}). With
     * no account registered, the {@link #DEFAULT_ACCOUNT} on the environment's key when there is one
     * ({@code environmentKey}), as {@code ksync ingest} without {@code --account-id} does. An account whose run fails,
     * whole or in part, does not stop the others; the round says which failed. With nothing to ingest it logs a warning
     * saying what to do and returns an empty round.
     */
    public IngestRound runAll(IngestMode mode, boolean environmentKey) {
        List<Account> registered = accounts.list();
        List<Optional<AccountId>> targets;
        if (registered.isEmpty()) {
            if (!environmentKey) {
                log.warn("Raw ingestion ({}) has nothing to ingest: no account is registered and no Klaviyo key is set;"
                        + " register one (ksync accounts add ID, or POST /api/accounts), or set KLAVIYO_API_KEY_PRIVATE"
                        + " to ingest the {} account", mode.label(), DEFAULT_ACCOUNT);
                return new IngestRound(mode.label(), List.of(), Map.of());
            }
            targets = List.of(Optional.empty());
        } else {
            targets = registered.stream().filter(Account::enabled).map(a -> Optional.of(a.id())).toList();
            if (targets.isEmpty()) {
                log.warn("Raw ingestion ({}) has nothing to ingest: all {} registered account(s) are disabled; enable"
                        + " one (ksync accounts enable ID, or PATCH /api/accounts/ID {\"enabled\":true})",
                        mode.label(), registered.size());
                return new IngestRound(mode.label(), List.of(), Map.of());
            }
        }
        List<IngestReport> reports = new ArrayList<>();
        Map<String, String> refused = new TreeMap<>();
        for (Optional<AccountId> account : targets) {
            String label = account.map(AccountId::value).orElse(DEFAULT_ACCOUNT);
            try {
                reports.add(run(new IngestRequest(mode, account, Optional.empty(), Set.of(), Optional.empty())));
            } catch (RuntimeException e) {
                refused.put(label, message(e));
                log.warn("Ingestion ({}) of account {} failed: {}", mode.label(), label, message(e));
            }
        }
        return new IngestRound(mode.label(), reports, refused);
    }

    /**
     * Refuses a request whose datasources file lacks the mode's list or whose {@code only} names a datasource it does
     * not have, or one of whose entries names a table made for another datasource or incremental field (its
     * {@link RawTable.Mark}), before any work (a caller checks before it takes a slot). Each load checks its table
     * again under the table's lock ({@link RawTable#createIfMissing}), with the same words: a run that was not checked
     * first, or a table another run made since, and a table made before ksync marked its tables.
     */
    public void check(IngestRequest r) {
        List<Entry> chosen = chosen(r);
        String schema = schemaOf(account(r));
        Map<String, RawTable.Mark> marks = jdbi.withHandle(h -> RawTable.Mark.of(h, schema,
                chosen.stream().map(e -> e.datasource().tableName()).toList()));
        for (Entry e : chosen) {
            RawTable.Mark m = marks.get(e.datasource().tableName());
            if (m != null) RawTable.of(schema, e).requireFits(m);
        }
    }

    private static String account(IngestRequest r) {
        return r.accountId().map(AccountId::value).orElse(DEFAULT_ACCOUNT);
    }

    /**
     * The request's datasources; one whose {@code default_start_time} is still to come is refused: its window would
     * be empty run after run until then (success with 0 rows), which hides the mistake.
     */
    private List<Entry> chosen(IngestRequest r) {
        List<Datasource> all = r.datasources().orElseGet(DatasourceFile::builtIn).forMode(r.mode());
        List<Entry> chosen = choose(all, r).stream()
                .map(d -> new Entry(r.mode().listKey() + "[" + all.indexOf(d) + "]", d)).toList();
        Instant now = clock.instant();
        for (Entry e : chosen) {
            Datasource d = e.datasource();
            if (d.loadType().incremental() && RunbookTime.parse(d.defaultStartTime()).isAfter(now)) {
                throw DatasourceFile.invalid(e.label() + "default_start_time " + d.defaultStartTime()
                        + " is in the future (now " + RunbookTime.format(now) + "), so the table would stay empty"
                        + " until then; allowed: a time before now",
                        DatasourceFile.details(e.key(), "default_start_time"));
            }
        }
        return chosen;
    }

    /** One run; its report says per datasource what loaded or failed ({@link IngestReport#failed()}). */
    public IngestReport run(IngestRequest r) {
        List<Entry> chosen = chosen(r);
        String account = account(r);
        String schema = schemaOf(account);
        KlaviyoClient client = clients.client(r.accountId(), r.klaviyoApiKey());
        boolean madeSchema = jdbi.inTransaction(h -> RawTable.createSchema(h, schema));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()),
                Thread.ofPlatform().name("ksync-ingest-", 0).daemon().factory());
        try {
            List<Future<IngestReport.Result>> futures = new ArrayList<>();
            for (Entry e : chosen) {
                futures.add(pool.submit(() -> load(client, account, schema, r.mode(), e)));
            }
            List<IngestReport.Result> results = new ArrayList<>();
            for (Future<IngestReport.Result> f : futures) {
                results.add(await(f));
            }
            if (madeSchema && results.stream().allMatch(IngestReport.Result::failed)) {
                // a first run that loaded nothing (a refused key, a failing account) leaves no empty schema behind
                dropSchemaIfEmpty(schema);
            }
            return new IngestReport(account, schema, r.mode().label(), results);
        } finally {
            pool.shutdownNow();
        }
    }

    private void dropSchemaIfEmpty(String schema) {
        try {
            jdbi.useTransaction(h -> RawTable.dropSchemaIfEmpty(h, schema));
        } catch (RuntimeException e) {
            log.debug("Left schema {} in place: {}", schema, message(e));
        }
    }

    private static List<Datasource> choose(List<Datasource> all, IngestRequest r) {
        if (all.isEmpty()) {
            throw KsyncException.badInput("mode", r.mode().label(), "a mode whose list (" + r.mode().listKey()
                    + ") the datasources file has");
        }
        if (r.only().isEmpty()) return all;
        List<String> names = all.stream().map(Datasource::name).distinct().toList();
        for (String n : r.only().stream().sorted().toList()) {
            if (!names.contains(n)) throw KsyncException.badInput("only", n, "names in " + r.mode().listKey() + ": " + names);
        }
        return all.stream().filter(d -> r.only().contains(d.name())).toList();
    }

    private static IngestReport.Result await(Future<IngestReport.Result> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KsyncException(ErrorKind.INTERNAL, "interrupted", "The ingestion was interrupted", Map.of());
        } catch (ExecutionException e) {
            throw new IllegalStateException("a datasource load failed outside its own error handling", e.getCause());
        }
    }

    /** The runbook's per-datasource steps; never throws: a failure is this datasource's result and log row. */
    private IngestReport.Result load(KlaviyoClient client, String account, String schema, IngestMode mode, Entry e) {
        Datasource d = e.datasource();
        long t0 = System.nanoTime();
        RawTable table = RawTable.of(schema, e);
        IngestReport.Window[] window = {null};
        long[] logged = {-1};
        try {
            long logId = ingestionLog.start(account, schema, mode, d, clock.instant());
            logged[0] = logId;
            long rows = jdbi.inTransaction(h -> {
                ingestionLog.live(h, logId);
                table.lock(h);
                int stale = ingestionLog.abandonStale(schema, d.tableName(), logId, clock.instant());
                if (stale > 0) log.warn("Marked {} unfinished earlier run(s) of {}.{} abandoned", stale, schema, d.tableName());
                RawTable.State state = table.createIfMissing(h);
                Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                Instant start = d.loadType().incremental() ? windowStart(table.max(h), d) : null;
                window[0] = new IngestReport.Window(start == null ? "" : RunbookTime.format(start), RunbookTime.format(end));
                ingestionLog.window(logId, window[0]);
                if (start != null && !start.isBefore(end)) return 0L;
                // pushed through, never pulled by an iterator: that would buffer a flatMap's whole inner stream
                try (Stream<RawResource> records = fetch(client, d, start, end)) {
                    return table.load(h, clock.instant().getEpochSecond(), settings.batchRows(), settings.keepLinks(), records,
                            valueOf(d), state);
                }
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ingestionLog.finish(logId, "success", rows, ms, null, clock.instant());
            log.info("Ingested {} ({}) into {}.{}: {} new rows, window {} .. {}, {} ms", d.name(), mode.label(), schema,
                    d.tableName(), rows, window[0].start(), window[0].end(), ms);
            return IngestReport.Result.success(d.name(), d.tableName(), window[0], rows, ms);
        } catch (Exception failed) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            IngestReport.Failure failure = failureOf(failed);
            String error = message(failed, failure);
            try {
                // a start that failed left no row to finish
                if (logged[0] >= 0) ingestionLog.finish(logged[0], "error", 0, ms, error, clock.instant());
            } catch (RuntimeException logFailure) {
                log.warn("Could not log the failure of {}: {}", d.name(), message(logFailure));
            }
            log.warn("Ingestion of {} ({}) into {}.{} failed: {}", d.name(), mode.label(), schema, d.tableName(), error);
            // kept for the schedule's retries, which wait for it (a 429's Retry-After)
            Instant retryAt = UpstreamErrors.translate(failed).flatMap(KsyncException::retryAt).orElse(null);
            return IngestReport.Result.error(d.name(), d.tableName(), window[0], ms, error, failure, retryAt);
        }
    }

    /**
     * The runbook's window start: the table's max (whole seconds: the records sharing it are fetched again), a
     * {@link Settings#lookback} earlier but not before {@code default_start_time}; that time for an empty table.
     */
    private Instant windowStart(Optional<Instant> max, Datasource d) {
        Instant first = RunbookTime.parse(d.defaultStartTime());
        return max.map(m -> m.truncatedTo(ChronoUnit.SECONDS).minus(settings.lookback()))
                .map(m -> m.isBefore(first) ? first : m).orElse(first);
    }

    /** A record's incremental value (null for a full load). */
    private static Function<RawResource, Instant> valueOf(Datasource d) {
        if (!d.loadType().incremental()) return rec -> null;
        String attribute = d.windowAttribute();
        return rec -> KlaviyoTime.parse(rec.attribute(attribute).asText(null));
    }

    /**
     * Klaviyo's records with the attribute in [start, end): greater-or-equal where the endpoint has it, else
     * greater-than a second earlier (Klaviyo's filters take whole seconds); less-than where it has it, else ascending
     * order up to the first record past the end. Events are read without related objects, full loads unfiltered.
     */
    private Stream<RawResource> fetch(KlaviyoClient client, Datasource d, Instant start, Instant end) {
        Source s = d.source();
        Endpoint ep = s.endpoint();
        if (!d.loadType().incremental()) return client.list(Listings.raw(ep), Query.all());
        String attribute = d.windowAttribute();
        Function<RawResource, Instant> value = valueOf(d);
        List<Filter> channels = s.channels().isEmpty() ? Arrays.asList((Filter) null) : s.channels();
        return channels.stream().flatMap(channel -> {
            Listing<RawResource> listing = channel == null ? Listings.raw(ep) : Listings.raw(ep).always(channel);
            Stream<RawResource> records;
            if (PARTITIONED.contains(ep) && Duration.between(start, end).compareTo(settings.partitionAbove()) > 0) {
                records = client.list(listing.slicedBy(attribute, value),
                        Query.all().partitioned(Partitioning.between(start, end).halving()));
            } else {
                Query q = Query.all().filter(ep.allowsFilter(attribute, "greater-or-equal")
                        ? Filter.greaterOrEqual(attribute, start) : Filter.greaterThan(attribute, start.minusSeconds(1)));
                // In the field's order Klaviyo reads a window from its index: a window with nothing new is one call.
                if (ep.allowsSort(attribute)) q = q.sort(attribute);
                if (ep.allowsFilter(attribute, "less-than")) {
                    records = client.list(listing, q.filter(Filter.lessThan(attribute, end)));
                } else {
                    records = client.list(listing, q.sort(attribute)).takeWhile(rec -> {
                        Instant v = value.apply(rec);
                        return v == null || v.isBefore(end);
                    });
                }
            }
            return records.filter(rec -> {
                Instant v = value.apply(rec);
                return v != null && !v.isBefore(start) && v.isBefore(end);
            });
        });
    }

    /**
     * Why a run or a datasource failed, the one classification its result, its message, the HTTP answer and the exit
     * code follow: the database did not answer ({@link Database#unavailable}), else the user's move when the error
     * says so (a rejected key or scope, a table of another source), else something to rerun later.
     */
    private static IngestReport.Failure failureOf(Throwable e) {
        if (Database.unavailable(e)) return IngestReport.Failure.DATABASE_UNAVAILABLE;
        boolean users = UpstreamErrors.translate(e).map(k -> k.blame() == Blame.USER).orElse(false);
        return users ? IngestReport.Failure.USER : IngestReport.Failure.OTHER;
    }

    private static String message(Throwable e) {
        return message(e, failureOf(e));
    }

    /**
     * A failure as a datasource's report and log row say it, as {@code failure} classified it: ksync's or Klaviyo's
     * own message; a database's SQLState and what it said (never the statement, which Jdbi's messages carry, nor a
     * connection's host).
     */
    private static String message(Throwable e, IngestReport.Failure failure) {
        Optional<KsyncException> known = UpstreamErrors.translate(e);
        if (known.isPresent()) return known.get().getMessage();
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause()) {
            if (t instanceof SQLException s) sql = s;
        }
        String state = sql == null || sql.getSQLState() == null ? "" : " (SQLState " + sql.getSQLState() + ")";
        if (failure == IngestReport.Failure.DATABASE_UNAVAILABLE) {
            return "the database did not answer" + state + "; the next run starts where this one was";
        }
        if (sql != null) {
            String said = sql.getMessage() == null ? "" : sql.getMessage().lines().findFirst().orElse("");
            return "the database refused the load" + state + ": " + said.replaceFirst("^ERROR: ", "");
        }
        String text = e instanceof StatementException s ? s.getShortMessage() : e.getMessage();
        return e.getClass().getSimpleName() + (text == null ? "" : ": " + text);
    }
}

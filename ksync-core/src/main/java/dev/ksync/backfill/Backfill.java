package dev.ksync.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.db.SessionLock;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.error.Blame;
import dev.ksync.klaviyo.error.CallInterrupted;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.reporting.AccountZone;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.schedule.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Historical backfills of the registered accounts: start (or resume), cancel, clear, and what they stored. The
 * work itself runs as the {@link BackfillTask} on whichever scheduler node picks it.
 */
public final class Backfill {
    private static final Logger log = LoggerFactory.getLogger(Backfill.class);
    /**
     * A run Klaviyo failed past the client's retries (5xx, timeouts) waits this long before each run again, counted
     * since its last committed day, as the nightly runs do; the failure after the last fails the backfill.
     */
    static final Backoff OUTAGE_RETRIES = new Backoff(Duration.ofMinutes(10), 3);
    /** {@code waiting.reason} of a run waiting for one of {@link #OUTAGE_RETRIES}. */
    public static final String KLAVIYO_UNAVAILABLE = "klaviyo_unavailable";
    /** {@code waiting.reason} of a run waiting for the report quota (or Klaviyo's daily report cap) to reset. */
    static final String REPORT_QUOTA = "report_quota";
    /** A node finding the backfill worked by another process (its worker lock held) tries again this much later. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(30);

    /**
     * @param placedOrderMetricId SHOPIFY_PLACED_ORDER_METRIC_ID, else Placed Order is looked up by name
     * @param refreshDays         KSYNC_BACKFILL_REFRESH_DAYS: the nightly continuation fetches again the flow and
     *                            campaign statistics of the days stored among the last this many (0: none)
     */
    public record Settings(Optional<String> placedOrderMetricId, int refreshDays) {
        public Settings {
            int max = AppConfig.MAX_BACKFILL_REFRESH_DAYS;
            if (refreshDays < 0 || refreshDays > max) {
                throw new IllegalArgumentException("refreshDays must be 0.." + max + ", got " + refreshDays);
            }
        }
    }

    private final Settings settings;
    private final BackfillStore store;
    private final AccountService accounts;
    private final KlaviyoAccess klaviyo;
    private final ReportQuota quota;
    private final Clock clock;
    private final BackfillListener listener;
    private final BackfillTask task;
    private final Supplier<SchedulerClient> scheduler;

    /** @param scheduler the scheduler that runs {@link #task()} (a node of this process) */
    public Backfill(Settings settings, BackfillStore store, AccountService accounts, KlaviyoAccess klaviyo,
                    ReportQuota quota, Clock clock, BackfillListener listener, Supplier<SchedulerClient> scheduler) {
        this.settings = settings;
        this.store = store;
        this.accounts = accounts;
        this.klaviyo = klaviyo;
        this.quota = quota;
        this.clock = clock;
        this.listener = listener;
        this.scheduler = scheduler;
        this.task = new BackfillTask(this::work, this::revived);
    }

    /** The task every scheduler node must know to run backfills. */
    public Task<Void> task() {
        return task.task();
    }

    public BackfillStore store() {
        return store;
    }

    /**
     * Starts the account's backfill: a retry of a failed or cancelled one with the same parameters resumes at its
     * next day; anything else (other parameters, after completion or clear) is a new run over its own days, which
     * replaces those days' stored rows and leaves the others (a test run after a year's keeps the year).
     */
    public BackfillStatus start(AccountId account, BackfillParams params) {
        requireAccount(account);
        Optional<BackfillStore.Row> now = store.load(account);
        if (now.isPresent() && now.get().status().equals(BackfillStatus.IN_PROGRESS)) {
            throw running(account);
        }
        boolean retry = now.isPresent() && now.get().params().equals(params)
                && List.of(BackfillStatus.FAILED, BackfillStatus.CANCELLED).contains(now.get().status());
        if (retry) {
            if (!store.resume(account, clock.instant())) throw running(account);
        } else {
            ZoneId zone = AccountZone.fetch(client(account)).zone();
            LocalDate last = LocalDate.ofInstant(clock.instant(), zone).minusDays(1);
            LocalDate first = params.testMode() ? last.minusDays(BackfillParams.TEST_DAYS - 1)
                    : last.minusYears(params.years()).plusDays(1);
            if (!store.startOver(account, params, zone.getId(), first, last, clock.instant())) throw running(account);
        }
        schedule(account);
        return status(account);
    }

    /** Every enabled account's backfill; one already running is skipped with the reason. */
    public Map<String, Object> startAll(BackfillParams params) {
        List<String> started = new ArrayList<>();
        List<Map<String, String>> skipped = new ArrayList<>();
        for (AccountId id : accounts.enabledIds()) {
            try {
                start(id, params);
                started.add(id.value());
            } catch (KsyncException e) {
                skipped.add(Map.of("client_id", id.value(), "reason", e.code()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", started);
        out.put("skipped", skipped);
        return out;
    }

    /** Stops the backfill at its next day boundary. */
    public BackfillStatus cancel(AccountId account) {
        requireAccount(account);
        status(account);
        if (!store.cancel(account, clock.instant())) {
            throw KsyncException.conflict("backfill_not_running", "The backfill of '" + account.value()
                    + "' is not running");
        }
        return status(account);
    }

    /** Deletes the status and every backfill row of the account; refused while it runs. */
    public void clear(AccountId account) {
        requireAccount(account);
        if (!store.clear(account)) throw running(account);
    }

    public BackfillStatus status(AccountId account) {
        requireAccount(account);
        return store.status(account).orElseThrow(() -> BackfillStore.notStarted(account));
    }

    /** One status object (or not_started) per registered account, sorted by id. */
    public List<JsonNode> statuses() {
        return store.statuses();
    }

    public JsonNode summary(AccountId account) {
        requireAccount(account);
        return store.summary(account);
    }

    public JsonNode orders(AccountId account, LocalDate day, int limit) {
        status(account);
        return store.orders(account, day, limit);
    }

    /**
     * The nightly continuation: a completed backfill is extended to yesterday (account timezone) and run; the
     * statistics of its stored days among the last {@link Settings#refreshDays()} are fetched again and replace
     * theirs. True when there were days to add.
     */
    public boolean extend(AccountId account) {
        Optional<BackfillStore.Row> row = store.load(account);
        if (row.isEmpty() || !row.get().status().equals(BackfillStatus.COMPLETED)) return false;
        LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneId.of(row.get().timezone())).minusDays(1);
        LocalDate refreshFirst = settings.refreshDays() == 0 ? null : yesterday.minusDays(settings.refreshDays() - 1);
        if (!store.extend(account, yesterday, refreshFirst, clock.instant())) return false;
        log.info("Backfill of {} extended to {}{}", account, yesterday,
                refreshFirst == null ? "" : ", statistics refreshed from " + refreshFirst);
        schedule(account);
        return true;
    }

    /** Validates a completed backfill again (orders per day against Klaviyo's aggregates) and stores the result. */
    public BackfillStatus revalidate(AccountId account) {
        BackfillStore.Row row = store.load(account).orElseThrow(() -> BackfillStore.notStarted(account));
        KlaviyoClient client = client(account);
        JsonNode v = new BackfillRun(store, client, quota, clock, row, metricId(client)).validate();
        store.saveValidation(account, v);
        return status(account);
    }

    /**
     * The task's work for one account, in this thread: null when it is done (completed, failed, cancelled), else when
     * to run again (the report quota's reset, a retry after Klaviyo was unavailable, or {@link #BUSY_RETRY} later when
     * another process works the backfill now).
     */
    public Instant work(AccountId account) {
        return work(account, () -> false);
    }

    /**
     * As {@link #work(AccountId)}; once {@code stopping} (this node shuts down) the run stops after its current day,
     * and an interrupt stops it inside the day (rolled back): neither is a failure, the status stays in_progress and
     * the answer is now, for whichever node runs next to resume at next_day.
     */
    Instant work(AccountId account, BooleanSupplier stopping) {
        Attempt a = attempt(account, stopping, () -> { });
        if (a.ran()) return a.again();
        Instant again = clock.instant().plus(BUSY_RETRY);
        log.info("The backfill of {} is worked by another process; this node tries again at {}", account, again);
        return again;
    }

    /** What one {@link #attempt} did: whether it worked the backfill here, and when to run again (null: done). */
    public record Attempt(boolean ran, Instant again) {}

    /**
     * The work of {@link #work(AccountId)}, unless another process (a {@code ksync serve} node) works the account's
     * backfill now: then nothing is done here and the answer says so. {@code working} is told when this process has
     * the backfill, still in progress, to work, before its work starts.
     */
    public Attempt attempt(AccountId account, Runnable working) {
        return attempt(account, () -> false, working);
    }

    /** One worker per account's backfill, whichever process: two would fetch and commit each day twice. */
    private Attempt attempt(AccountId account, BooleanSupplier stopping, Runnable working) {
        try (SessionLock lock = store.lockWorker(account).orElse(null)) {
            if (lock == null) return new Attempt(false, null);
            Optional<BackfillStore.Row> loaded = store.load(account);
            if (loaded.isEmpty() || !loaded.get().status().equals(BackfillStatus.IN_PROGRESS)) {
                return new Attempt(true, null);
            }
            working.run();
            return new Attempt(true, run(loaded.get(), stopping));
        }
    }

    /** The work of the run in progress, this process holding the account's worker lock. */
    private Instant run(BackfillStore.Row row, BooleanSupplier stopping) {
        AccountId account = row.account();
        store.waitOver(row); // the run goes on now: no "waiting until" in the past while its day runs
        BackfillRun.Outcome outcome;
        try {
            KlaviyoClient client = client(account);
            outcome = new BackfillRun(store, client, quota, clock, row, metricId(client)).stopWhen(stopping).execute();
        } catch (RuntimeException e) {
            LocalDate day = e instanceof BackfillRun.DayFailure f && f.day != null ? f.day : row.nextDay();
            Throwable cause = e instanceof BackfillRun.DayFailure ? e.getCause() : e;
            if (interrupted(e)) {
                return stopped(row, day);
            }
            if (cause instanceof KlaviyoException.DailyCapReached cap) {
                log.info("Backfill of {} waits for the daily report cap until {}", account, cap.resumeAt());
                store.waiting(row, REPORT_QUOTA, cap.resumeAt(), clock.instant());
                return cap.resumeAt();
            }
            if (cause instanceof KlaviyoException k && k.blame() == Blame.EXTERNAL
                    && OUTAGE_RETRIES.retries(row.outageRetries() + 1)) {
                return retryLater(row, day, k);
            }
            if (e instanceof BackfillRun.DayFailure || cause instanceof KsyncException
                    || cause instanceof KlaviyoException) {
                return failed(row, day, e.getMessage());
            }
            throw e;
        }
        return switch (outcome) {
            case BackfillRun.Outcome.Completed c -> {
                log.info("Backfill of {} completed", account);
                store.status(account).ifPresent(listener::completed);
                yield null;
            }
            case BackfillRun.Outcome.Stopped s -> stopping.getAsBoolean() ? stopped(row, null) : null;
            case BackfillRun.Outcome.Waiting w -> {
                log.info("Backfill of {} waits for the report quota until {}", account, w.until());
                store.waiting(row, REPORT_QUOTA, w.until(), clock.instant());
                yield w.until();
            }
        };
    }

    /**
     * This node stopped the run (a shutdown): the day it was on rolled back, nothing is recorded as failed, and it
     * runs again now, on the first node that picks it.
     */
    private Instant stopped(BackfillStore.Row row, LocalDate day) {
        log.info("Backfill of {} stopped by this node's shutdown{}; it resumes at its next day", row.account(),
                day == null ? "" : " inside " + day);
        // the interrupt asked the run to stop and it has: the scheduler must still record where it stopped
        Thread.interrupted();
        return clock.instant();
    }

    /** An interrupt (a shutdown's) stopped the run, whatever the code it was in made of it. */
    private static boolean interrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) return true;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CallInterrupted || t instanceof InterruptedException) return true;
        }
        return false;
    }

    /**
     * Klaviyo was unavailable (5xx, timeouts, throttling) past the client's own retries: the run waits
     * {@link #OUTAGE_RETRIES} (or as long as Klaviyo asked) and goes on by itself; the attempt and the error count.
     */
    private Instant retryLater(BackfillStore.Row row, LocalDate day, KlaviyoException e) {
        Instant now = clock.instant();
        Instant until = now.plus(OUTAGE_RETRIES.delay(row.outageRetries() + 1));
        if (e.retryAt().isPresent() && e.retryAt().get().isAfter(until)) until = e.retryAt().get();
        log.warn("Backfill of {} stopped at {}: {}; retry {} of {} at {}", row.account(), day, e.getMessage(),
                row.outageRetries() + 1, OUTAGE_RETRIES.retries(), until);
        store.retryLater(row, day, e.getMessage(), KLAVIYO_UNAVAILABLE, until, now);
        return until;
    }

    /** The backfill's node stopped beating and the execution was revived: the attempt it was counts. */
    private void revived(AccountId account, String node) {
        store.revived(account, "The node running the backfill (" + node
                + ") stopped without finishing (killed or crashed); it resumes at this day", clock.instant());
    }

    private Instant failed(BackfillStore.Row row, LocalDate day, String message) {
        log.warn("Backfill of {} failed at {}: {}", row.account(), day, message);
        if (store.fail(row, day, message, clock.instant())) {
            store.status(row.account()).ifPresent(listener::failed);
        }
        return null;
    }

    private String metricId(KlaviyoClient client) {
        return ConversionMetric.resolve(Optional.empty(), settings.placedOrderMetricId(), client).id();
    }

    private KlaviyoClient client(AccountId account) {
        return klaviyo.client(Optional.of(account), Optional.empty());
    }

    private void schedule(AccountId account) {
        SchedulerClient client = scheduler.get();
        Instant now = clock.instant();
        if (!client.scheduleIfNotExists(task.instance(account), now)) {
            // an instance waiting for the quota (or left by a cancel) runs now instead
            try {
                client.reschedule(task.instance(account), now);
            } catch (RuntimeException e) {
                log.debug("Backfill instance of {} is running already: {}", account, e.getMessage());
            }
        }
    }

    private void requireAccount(AccountId account) {
        if (accounts.find(account).isEmpty()) throw AccountService.notRegistered(account);
    }

    /** Waiting resolves it, so it is a "rerun later" (exit 3), not input to fix. */
    private static KsyncException running(AccountId account) {
        return new KsyncException(ErrorKind.CONFLICT, Blame.EXTERNAL, "backfill_running", "The backfill of '"
                + account.value() + "' is running; wait for it to end, or cancel it first",
                Map.of("client_id", account.value()), Optional.empty(), null);
    }
}

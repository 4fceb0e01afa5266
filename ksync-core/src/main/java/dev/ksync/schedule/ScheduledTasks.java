package dev.ksync.schedule;

import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.ksync.accounts.Account;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.AppConfig;
import dev.ksync.error.KsyncException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ksync's db-scheduler tasks. The nightly schedule is a recurring task that fans out one task instance per enabled
 * account, named {@code <account>/<UTC day>}: the instances are what the nodes share, so accounts run in parallel
 * within each node's threads, and an instance whose node died is revived and run by another. The ledger
 * ({@link NightlyRuns}) makes the fan-out schedule an account once a day, whoever fires it and however often.
 */
public final class ScheduledTasks {
    private static final Logger log = LoggerFactory.getLogger(ScheduledTasks.class);
    public static final String NIGHTLY = "nightly";
    public static final String NIGHTLY_ACCOUNT = "nightly-account";
    public static final String CLEANUP = "cleanup";
    /** Raw ingestion ({@code inc}) of every enabled account; only when KSYNC_INGEST_CRON is set. */
    public static final String INGEST = "ingest";
    /**
     * A failed account run is tried twice more, 10 min, then 20 min later (or when its error says it can succeed,
     * {@link KsyncException#retryAt()}, if later); then the day is given up. A failure the user must fix (a rejected
     * key: {@link KsyncException#blame()} not retryable), or one that cannot succeed before the next nightly fires, is
     * given up at once.
     */
    static final Backoff NIGHTLY_RETRIES = new Backoff(Duration.ofMinutes(10), 2);

    static final Duration FAN_OUT_RETRY = Duration.ofMinutes(5);

    private final AccountService accounts;
    private final NightlyRuns ledger;
    private final NightlyUpdate nightly;
    private final ScheduledWork cleanup;
    private final NightlyListener listener;
    private final Cron nightlyCron;
    private final Clock clock;
    private final String node;
    private final RecurringTask<Void> fanOut;
    private final OneTimeTask<Void> accountRun;
    private final RecurringTask<Void> cleanupTask;
    private final Optional<RecurringTask<Void>> ingestTask;

    public ScheduledTasks(AppConfig.ScheduleSettings settings, AccountService accounts, NightlyRuns ledger,
                          NightlyUpdate nightly, ScheduledWork cleanup, ScheduledWork ingest, NightlyListener listener,
                          Clock clock, String node) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.nightly = nightly;
        this.cleanup = cleanup;
        this.listener = listener;
        this.nightlyCron = settings.nightly();
        this.clock = clock;
        this.node = node;
        this.accountRun = Tasks.oneTime(NIGHTLY_ACCOUNT)
                .onFailure(accountRetries())
                .onDeadExecution(reviveNow())
                .execute(this::runAccount);
        this.fanOut = Tasks.recurring(NIGHTLY, settings.nightly().schedule())
                // a fan-out that failed (the database was away) is tried again soon, not only at the next firing
                .onFailure(TaskFailures.retryLater(FAN_OUT_RETRY))
                .onDeadExecution(reviveNow())
                .execute(this::fanOut);
        this.cleanupTask = Tasks.recurring(CLEANUP, settings.cleanup().schedule())
                .onFailure(TaskFailures.nextScheduledRun(settings.cleanup().schedule()))
                .onDeadExecution(reviveNow())
                .execute((instance, ctx) -> cleanup.run());
        this.ingestTask = settings.ingest().map(cron -> Tasks.recurring(INGEST, cron.schedule())
                .onFailure(retryBeforeNextFiring(cron))
                .onDeadExecution(reviveNow())
                .execute((instance, ctx) -> ingest.run()));
    }

    /**
     * A failed account run: given up or retried per {@link #retry} (the next nightly starts the next day's run). Its
     * ledger row already says it failed, and why.
     */
    private <T> FailureHandler<T> accountRetries() {
        return (complete, operations) -> {
            Retry retry = retry(complete, complete.getExecution().consecutiveFailures + 1,
                    nightlyCron.next(complete.getTimeDone()), "nightly");
            if (retry.at().isEmpty()) {
                TaskFailures.log(complete, "gives up: " + retry.why());
                operations.remove();
                return;
            }
            TaskFailures.log(complete, "retry at " + retry.at().get());
            operations.reschedule(complete, retry.at().get());
        };
    }

    /**
     * What becomes of a failed run: retried {@code at}, or given up ({@code at} empty) for {@code why}.
     */
    private record Retry(Optional<Instant> at, String why) {
        static Retry givenUp(String why) {
            return new Retry(Optional.empty(), why);
        }
    }

    /**
     * The one retry rule of the scheduled work that calls Klaviyo (a nightly account run, an ingestion round): the
     * {@code failure}th failure (1-based, since the schedule fired) is given up when retrying cannot help (the user
     * must fix it: {@link KsyncException#blame()} not retryable), past {@link #NIGHTLY_RETRIES}, or when its error
     * cannot clear ({@link KsyncException#retryAt()}) before {@code nextFiring}, which starts afresh; else it is
     * retried after the backoff, or when its error says it can succeed if that is later (a retry any sooner would
     * spend calls into the same 429).
     *
     * @param firing what {@code nextFiring} fires, for the log line ("nightly")
     */
    private static Retry retry(ExecutionComplete complete, int failure, Instant nextFiring, String firing) {
        if (needsFixing(complete)) {
            return Retry.givenUp(NEEDS_FIXING);
        }
        if (!NIGHTLY_RETRIES.retries(failure)) {
            return Retry.givenUp("the last of " + (NIGHTLY_RETRIES.retries() + 1) + " attempts");
        }
        Instant at = complete.getTimeDone().plus(NIGHTLY_RETRIES.delay(failure));
        Optional<Instant> clears = complete.getCause().orElse(null) instanceof KsyncException k
                ? k.retryAt().filter(at::isBefore) : Optional.empty();
        if (clears.isPresent()) {
            at = clears.get();
            if (!at.isBefore(nextFiring)) {
                return Retry.givenUp("it cannot succeed before " + at + ", past the next " + firing + " at "
                        + nextFiring);
            }
        }
        return new Retry(Optional.of(at), null);
    }

    private static final String NEEDS_FIXING = "not retried, it needs fixing first";

    /** Whether the run failed in a way only the user can mend (a rejected key): retrying cannot help. */
    private static boolean needsFixing(ExecutionComplete complete) {
        return complete.getCause().orElse(null) instanceof KsyncException k && !k.blame().retryable();
    }

    /**
     * A failed recurring run (an ingestion in which an account failed) is retried as a nightly account run is
     * ({@link #retry}: the backoff, not before its error's {@link KsyncException#retryAt()}), unless the cron fires
     * sooner; given up (the user must act first, past its retries, or its error cannot clear before the next firing),
     * it waits for the next firing, and its line says why. Each firing gets its retries, as each day's nightly account
     * run does: the count is of failures since the cron last fired, not across firings.
     */
    static <T> FailureHandler<T> retryBeforeNextFiring(Cron cron) {
        return (complete, operations) -> {
            Instant next = cron.schedule().getNextExecutionTime(complete);
            int failures = failuresSinceFiring(cron, complete.getExecution());
            Retry retry = retry(complete, failures, next, "firing");
            next = retry.at().filter(next::isAfter).orElse(next);
            // attempts count from the firing
            TaskFailures.log(complete, failures, retry.at().isEmpty()
                    ? "gives up: " + retry.why() + "; next run at " + next : "next run at " + next);
            operations.reschedule(complete, next);
        };
    }

    /**
     * Which failure since the cron last fired {@code failed} is: 1 for a firing; for a retry (due its delay
     * after the failure that scheduled it) one more than that failure; 1 for anything else (e.g. a run revived after
     * its node died), which so gets retries of its own.
     */
    private static int failuresSinceFiring(Cron cron, Execution failed) {
        Instant due = failed.executionTime;
        if (failed.consecutiveFailures == 0 || failed.lastFailure == null
                || cron.next(due.minusSeconds(1)).equals(due)) {
            return 1;
        }
        Duration delay = Duration.between(failed.lastFailure, due);
        for (int before = 1; NIGHTLY_RETRIES.retries(before); before++) {
            if (delay.equals(NIGHTLY_RETRIES.delay(before))) return before + 1;
        }
        return 1;
    }

    /**
     * A dead node's execution runs again at once, on whichever node picks it. (db-scheduler's own reviver reads the
     * wall clock; this one the scheduler's clock, which is the moment the death was found.)
     */
    public static <T> DeadExecutionHandler<T> reviveNow() {
        return (complete, operations) -> {
            log.warn("Reviving {} of a node that stopped beating", complete.getExecution().taskInstance);
            operations.reschedule(complete, complete.getTimeDone());
        };
    }

    /**
     * The tasks scheduled on demand (the nightly fan-out's account runs). A scheduler must know them, as well as the
     * {@link #recurring()} ones, to run any instance of them, also one that another node scheduled.
     */
    public List<Task<?>> onDemand() {
        return List.of(accountRun);
    }

    /** The recurring tasks, which each scheduler schedules at start (once for all nodes: the instance is shared). */
    public List<RecurringTask<Void>> recurring() {
        List<RecurringTask<Void>> all = new ArrayList<>(List.of(fanOut, cleanupTask));
        ingestTask.ifPresent(all::add);
        return List.copyOf(all);
    }

    /** The node name runs are recorded under. */
    public String node() {
        return node;
    }

    static String instanceId(AccountId account, LocalDate day) {
        return account.value() + "/" + day;
    }

    /**
     * The day is the UTC date of the firing's scheduled time (not of the moment it runs), so a firing revived late
     * by another node still counts for its own day.
     */
    private void fanOut(TaskInstance<Void> instance, ExecutionContext ctx) {
        LocalDate day = LocalDate.ofInstant(ctx.getExecution().executionTime, ZoneOffset.UTC);
        Instant now = clock.instant();
        int claimed = 0;
        for (AccountId account : accounts.enabledIds()) {
            claimed += ledger.claim(account, day, now) ? 1 : 0;
        }
        // Every claimed-but-unstarted account, also one whose claim a crash separated from its scheduling.
        int scheduled = 0;
        for (AccountId account : ledger.waiting(day)) {
            scheduled += ctx.getSchedulerClient()
                    .scheduleIfNotExists(accountRun.instance(instanceId(account, day)), now) ? 1 : 0;
        }
        log.info("Nightly {}: {} account(s) newly due, {} run(s) scheduled", day, claimed, scheduled);
    }

    private void runAccount(TaskInstance<Void> instance, ExecutionContext ctx) {
        int slash = instance.getId().lastIndexOf('/');
        AccountId account = new AccountId(instance.getId().substring(0, slash));
        LocalDate day = LocalDate.parse(instance.getId().substring(slash + 1));
        Instant started = clock.instant();
        Optional<UUID> token = ledger.start(account, day, node, started);
        if (token.isEmpty()) {
            log.info("Nightly {} of {}: already done", day, account);
            return;
        }
        if (accounts.find(account).filter(Account::enabled).isEmpty()) {
            ledger.finish(token.get(), NightlyStatus.SKIPPED, clock.instant(), "account disabled or removed");
            listener.onNightlyRun(account, NightlyStatus.SKIPPED, Duration.ZERO);
            return;
        }
        try {
            nightly.run(account, day);
        } catch (RuntimeException e) {
            Instant done = clock.instant();
            ledger.finish(token.get(), NightlyStatus.FAILED, done, e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
            listener.onNightlyRun(account, NightlyStatus.FAILED, Duration.between(started, done));
            throw e;
        }
        Instant done = clock.instant();
        ledger.finish(token.get(), NightlyStatus.SUCCEEDED, done, null);
        listener.onNightlyRun(account, NightlyStatus.SUCCEEDED, Duration.between(started, done));
    }
}

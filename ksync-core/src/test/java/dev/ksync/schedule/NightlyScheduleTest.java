package dev.ksync.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.error.UpstreamErrors;
import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.error.Blame;
import dev.ksync.secrets.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The nightly schedule on real db-scheduler instances over one PostgreSQL database, driven by db-scheduler's manual
 * scheduler: the test sets each node's clock and runs its due executions, so nothing waits for time.
 */
class NightlyScheduleTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private static final Instant START = Instant.parse("2025-09-16T00:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2025-09-16");
    private AccountService accounts;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @AfterEach
    void stopLogs() {
        root().detachAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The WARN and ERROR lines logged since the test began, each with its exception's class when it has one. */
    private List<String> warnings() {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? ""
                                    : " [trace " + e.getThrowableProxy().getClassName() + "]"))
                    .toList();
        }
    }

    @BeforeEach
    void setUp() {
        logs.start();
        root().addAppender(logs);
        pg.database().jdbi().useHandle(h -> {
            h.execute("delete from scheduled_tasks");
            h.execute("delete from accounts");
            h.execute("create table if not exists test_nightly_executions (account_id text not null, utc_day date not null,"
                    + " node text not null)");
            h.execute("delete from test_nightly_executions");
        });
        accounts = new AccountService(pg.database().jdbi(), SecretBox.fromPassphrase(new Secret("test passphrase 123")),
                Clock.fixed(START, ZoneOffset.UTC));
    }

    private void addAccounts(String... ids) {
        for (String id : ids) {
            accounts.add(new AccountId(id), null, new Secret("pk_test_0123456789" + id));
        }
    }

    /** A node: its own clock, scheduler and tasks; its nightly update records each run in a table. */
    private final class Node {
        final String name;
        final SettableClock clock = new SettableClock();
        final ManualScheduler scheduler;

        Node(String name, String cron, NightlyUpdate update) {
            this.name = name;
            clock.set(START);
            AppConfig.ScheduleSettings settings = new AppConfig.ScheduleSettings(new Cron(cron), new Cron("0 2 * * *"),
                    Optional.empty(), 4, Duration.ofSeconds(1), Duration.ofSeconds(1));
            Clock javaClock = new Clock() {
                @Override public ZoneId getZone() { return ZoneOffset.UTC; }
                @Override public Clock withZone(ZoneId zone) { return this; }
                @Override public Instant instant() { return clock.now(); }
            };
            ScheduledTasks tasks = new ScheduledTasks(settings, accounts, new NightlyRuns(pg.database().jdbi()), update,
                    () -> {}, () -> {}, NightlyListener.NONE, javaClock, name);
            scheduler = (ManualScheduler) TestHelper.createManualScheduler(pg.database().dataSource(), tasks.onDemand())
                    .clock(clock)
                    .startTasks(tasks.recurring())
                    .heartbeatInterval(settings.heartbeat())
                    .failureLogging(LogLevel.DEBUG, true) // as SchedulerNode: the tasks log their own failures
                    .build();
            scheduler.start();
        }

        Node(String name, String cron) {
            this(name, cron, null);
        }

        /** Moves the clock to {@code t} and runs what is due, including what the run itself scheduled for now. */
        void runAt(Instant t) {
            clock.set(t);
            scheduler.runAnyDueExecutions();
            scheduler.runAnyDueExecutions();
        }
    }

    private NightlyUpdate recording(String node) {
        return (account, day) -> pg.database().jdbi().useHandle(h -> h.createUpdate(
                        "insert into test_nightly_executions values (:a, :d, :n)")
                .bind("a", account.value()).bind("d", day).bind("n", node).execute());
    }

    private Node node(String name, String cron) {
        return new Node(name, cron, recording(name));
    }

    /** Runs per account and day, as "account day" → count. */
    private Map<String, Long> executions() {
        return pg.database().jdbi().withHandle(h -> h.createQuery(
                        "select account_id || ' ' || utc_day from test_nightly_executions")
                .mapTo(String.class).list())
                .stream().collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
    }

    private long accountInstancesLeft() {
        return pg.database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from scheduled_tasks where task_name = 'nightly-account'").mapTo(Long.class).one());
    }

    @Test
    void fan_out_runs_each_enabled_account_once_per_day_however_often_the_cron_fires() {
        addAccounts("acme", "beta");
        Node a = node("a", "*/20 * * * *"); // fires 72 times a day
        for (Instant t = START; t.isBefore(START.plus(Duration.ofHours(25))); t = t.plus(Duration.ofMinutes(20))) {
            a.runAt(t);
        }
        assertThat(executions()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "acme 2025-09-16", 1L, "beta 2025-09-16", 1L, "acme 2025-09-17", 1L, "beta 2025-09-17", 1L)));
        assertThat(accountInstancesLeft()).isZero();
        assertThat(new NightlyRuns(pg.database().jdbi()).latestDay()).extracting(NightlyRuns.Run::status)
                .containsExactly(NightlyStatus.SUCCEEDED, NightlyStatus.SUCCEEDED);
    }

    @Test
    void a_disabled_account_is_skipped() {
        addAccounts("acme", "beta", "gone");
        accounts.setEnabled(new AccountId("beta"), false);
        Node a = node("a", "5 3 * * *");
        a.runAt(START.plus(Duration.ofMinutes(3 * 60 + 5)));
        assertThat(executions()).containsOnlyKeys("acme 2025-09-16", "gone 2025-09-16");

        // disabled after the fan-out scheduled its run, before the run: skipped too, and said so in the ledger
        a.clock.set(START.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(3 * 60 + 5)));
        a.scheduler.runAnyDueExecutions();
        assertThat(a.scheduler.getScheduledExecutionsForTask(ScheduledTasks.NIGHTLY_ACCOUNT)).hasSize(2);
        accounts.setEnabled(new AccountId("gone"), false);
        a.runAt(a.clock.now());
        assertThat(executions()).containsOnlyKeys("acme 2025-09-16", "gone 2025-09-16", "acme 2025-09-17");
        assertThat(new NightlyRuns(pg.database().jdbi()).latestDay())
                .extracting(r -> r.accountId().value() + " " + r.status().wireName())
                .containsExactly("acme succeeded", "gone skipped");
    }

    @Test
    void two_schedulers_on_one_database_run_each_account_exactly_once() throws Exception {
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> "acct-" + i).toList();
        addAccounts(ids.toArray(String[]::new));
        Node a = node("a", "5 3 * * *");
        Node b = node("b", "5 3 * * *");
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        a.clock.set(due);
        b.clock.set(due);
        // both nodes poll at the same moments, on their own threads, until the day's work is done
        for (int round = 0; round < 5; round++) {
            CompletableFuture<Void> onA = CompletableFuture.runAsync(a.scheduler::runAnyDueExecutions);
            CompletableFuture<Void> onB = CompletableFuture.runAsync(b.scheduler::runAnyDueExecutions);
            CompletableFuture.allOf(onA, onB).get(60, TimeUnit.SECONDS);
        }
        Map<String, Long> runs = executions();
        assertThat(runs).hasSize(20).allSatisfy((k, count) -> assertThat(count).as(k).isEqualTo(1L));
        assertThat(accountInstancesLeft()).isZero();
    }

    @Test
    void a_node_stopped_mid_run_leaves_its_account_to_another_and_none_runs_twice() throws Exception {
        addAccounts("acme", "beta", "cyan");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean dead = new AtomicBoolean();
        NightlyUpdate stalling = (account, day) -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (dead.get()) {
                throw new IllegalStateException("node a died mid-run"); // what it did is lost with it
            }
            recording("a").run(account, day);
        };
        Node a = new Node("a", "5 3 * * *", stalling);
        Node b = node("b", "5 3 * * *");
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        a.clock.set(due);
        b.clock.set(due);
        a.scheduler.runAnyDueExecutions(); // a runs the fan-out
        Thread onA = new Thread(a.scheduler::runAnyDueExecutions, "node-a");
        onA.start();
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue(); // a holds one account, mid-run, then stops beating

        b.runAt(due); // b runs the accounts a has not picked
        assertThat(executions()).hasSize(2);
        b.runAt(due.plus(Duration.ofSeconds(5)));
        b.scheduler.runDeadExecutionDetection(); // 5 s of silence: not yet dead (6 missed heartbeats of 1 s)
        b.runAt(b.clock.now());
        assertThat(executions()).hasSize(2);

        b.clock.set(due.plus(Duration.ofMinutes(1)));
        b.scheduler.runDeadExecutionDetection();
        b.runAt(b.clock.now());
        dead.set(true);
        release.countDown();
        onA.join(60_000);

        assertThat(executions()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "acme 2025-09-16", 1L, "beta 2025-09-16", 1L, "cyan 2025-09-16", 1L)));
        assertThat(new NightlyRuns(pg.database().jdbi()).latestDay())
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(NightlyStatus.SUCCEEDED);
                    assertThat(r.node()).contains("b");
                });
        assertThat(accountInstancesLeft()).isZero();
    }

    private long accountFailures(String instance) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select consecutive_failures from scheduled_tasks"
                        + " where task_name = 'nightly-account' and task_instance = :i")
                .bind("i", instance).mapTo(Long.class).one());
    }

    @Test
    void a_failure_the_user_must_fix_is_not_retried_and_logs_one_line_naming_the_account_without_a_trace() {
        addAccounts("acme");
        KsyncException rejected = new KsyncException(ErrorKind.UPSTREAM, Blame.USER, "klaviyo_unauthorized",
                "Klaviyo rejected the API key (401) on get_accounts", Map.of(), Optional.empty(), null);
        AtomicInteger attempts = new AtomicInteger();
        Node a = new Node("a", "5 3 * * *", (account, day) -> {
            attempts.incrementAndGet();
            throw rejected;
        });
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        a.runAt(due);

        assertThat(accountInstancesLeft()).as("given up at once, not waiting for a retry").isZero();
        a.runAt(due.plus(Duration.ofMinutes(10)));
        a.runAt(due.plus(Duration.ofMinutes(30)));
        assertThat(attempts).hasValue(1);
        assertThat(new NightlyRuns(pg.database().jdbi()).latestDay())
                .extracting(r -> r.accountId().value() + " " + r.status().wireName() + " " + r.error().orElse(""))
                .containsExactly("acme failed Klaviyo rejected the API key (401) on get_accounts");
        assertThat(warnings()).containsExactly("WARN nightly-account acme/2025-09-16 failed (attempt 1; gives up:"
                + " not retried, it needs fixing first): klaviyo_unauthorized: Klaviyo rejected the API key (401) on"
                + " get_accounts");
    }

    @Test
    void a_failure_that_may_pass_is_retried_and_each_failure_logs_its_next_attempt() {
        addAccounts("acme");
        AtomicInteger attempts = new AtomicInteger();
        Node a = new Node("a", "5 3 * * *", (account, day) -> {
            switch (attempts.incrementAndGet()) {
                case 1 -> throw new KsyncException(ErrorKind.UPSTREAM, "klaviyo_unavailable", "Klaviyo answered 503",
                        Map.of());
                case 2 -> throw new IllegalStateException("a bug");
                default -> recording("a").run(account, day);
            }
        });
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        a.runAt(due);
        assertThat(accountFailures("acme/2025-09-16")).isEqualTo(1);
        a.runAt(due.plus(Duration.ofMinutes(10)));
        assertThat(accountFailures("acme/2025-09-16")).isEqualTo(2);
        a.runAt(due.plus(Duration.ofMinutes(30)));

        assertThat(attempts).hasValue(3);
        assertThat(accountInstancesLeft()).isZero();
        assertThat(executions()).containsOnlyKeys("acme 2025-09-16");
        assertThat(warnings()).containsExactly(
                "WARN nightly-account acme/2025-09-16 failed (attempt 1; retry at 2025-09-16T03:15:00Z):"
                        + " klaviyo_unavailable: Klaviyo answered 503",
                "ERROR nightly-account acme/2025-09-16 failed (attempt 2; retry at 2025-09-16T03:35:00Z) unexpectedly:"
                        + " java.lang.IllegalStateException: a bug [trace java.lang.IllegalStateException]");
    }

    @Test
    void a_retry_waits_until_the_errors_retry_at_when_that_is_later_than_the_backoff() {
        addAccounts("acme");
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        Instant resets = due.plus(Duration.ofMinutes(45));
        AtomicInteger attempts = new AtomicInteger();
        Node a = new Node("a", "5 3 * * *", (account, day) -> {
            if (attempts.incrementAndGet() == 1) {
                throw UpstreamErrors.from(new KlaviyoException.DailyCapReached("query_metric_aggregates", 225, resets));
            }
            recording("a").run(account, day);
        });
        a.runAt(due);
        a.runAt(due.plus(Duration.ofMinutes(10)));
        a.runAt(due.plus(Duration.ofMinutes(30)));
        assertThat(attempts).as("not retried before the quota resets").hasValue(1);
        a.runAt(resets);

        assertThat(attempts).hasValue(2);
        assertThat(executions()).containsOnlyKeys("acme 2025-09-16");
        assertThat(accountInstancesLeft()).isZero();
        assertThat(warnings()).singleElement().asString().startsWith(
                "WARN nightly-account acme/2025-09-16 failed (attempt 1; retry at 2025-09-16T03:50:00Z):"
                        + " report_quota_exhausted: ");
    }

    @Test
    void an_error_that_cannot_clear_before_the_next_nightly_is_not_retried_and_its_line_says_why() {
        addAccounts("acme");
        Instant due = START.plus(Duration.ofMinutes(3 * 60 + 5));
        AtomicInteger attempts = new AtomicInteger();
        Node a = new Node("a", "5 3 * * *", (account, day) -> {
            attempts.incrementAndGet();
            throw UpstreamErrors.from(new KlaviyoException.RateLimited("get_profiles", "throttled", "slow down",
                    Instant.parse("2025-09-17T05:00:00Z")));
        });
        a.runAt(due);

        assertThat(accountInstancesLeft()).as("given up at once").isZero();
        a.runAt(due.plus(Duration.ofMinutes(10)));
        assertThat(attempts).hasValue(1);
        assertThat(new NightlyRuns(pg.database().jdbi()).latestDay()).extracting(r -> r.status())
                .containsExactly(NightlyStatus.FAILED);
        assertThat(warnings()).singleElement().asString().startsWith(
                "WARN nightly-account acme/2025-09-16 failed (attempt 1; gives up: it cannot succeed before"
                        + " 2025-09-17T05:00:00Z, past the next nightly at 2025-09-17T03:05:00Z): klaviyo_rate_limited: ");
    }
}

package dev.ksync.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.TestPostgres;
import dev.ksync.ingest.IngestReport;
import dev.ksync.ingest.IngestRound;
import dev.ksync.secrets.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The raw ingestion schedule (KSYNC_INGEST_CRON) on a manual db-scheduler: its runs, failed ones included, show on the
 * schedule board like the other schedules', and a failed run is retried before the next firing.
 */
class IngestScheduleTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private static final Instant FOUR = Instant.parse("2025-09-16T04:00:00Z");

    private final SettableClock clock = new SettableClock();
    private final AtomicBoolean failing = new AtomicBoolean();
    /** When set, the round each run ends with: the run fails as the scheduled ingestion does with it. */
    private final AtomicReference<IngestRound> round = new AtomicReference<>();
    private final AtomicInteger runs = new AtomicInteger();
    private ManualScheduler scheduler;
    private ScheduleBoard board;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp() {
        pg.database().jdbi().useHandle(h -> h.execute("delete from scheduled_tasks"));
        clock.set(FOUR.minusSeconds(60));
        logs.start();
        taskFailures().addAppender(logs);
    }

    @AfterEach
    void stopLogs() {
        taskFailures().detachAppender(logs);
    }

    private static Logger taskFailures() {
        return (Logger) LoggerFactory.getLogger(TaskFailures.class);
    }

    /** The failed runs' lines logged since the test began. */
    private List<String> failureLines() {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    private void start(String ingestCron) {
        AppConfig.ScheduleSettings settings = new AppConfig.ScheduleSettings(new Cron("5 3 * * *"),
                new Cron("0 2 * * *"), Optional.of(new Cron(ingestCron)), 4, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        Clock javaClock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return clock.now(); }
        };
        AccountService accounts = new AccountService(pg.database().jdbi(),
                SecretBox.fromPassphrase(new Secret("test passphrase 123")), javaClock);
        NightlyRuns ledger = new NightlyRuns(pg.database().jdbi());
        ScheduledWork ingest = () -> {
            runs.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("account acme failed");
            }
            if (round.get() != null) {
                round.get().error().ifPresent(e -> {
                    throw e;
                });
            }
        };
        ScheduledTasks tasks = new ScheduledTasks(settings, accounts, ledger, (account, day) -> {}, () -> {}, ingest,
                NightlyListener.NONE, javaClock, "node");
        scheduler = (ManualScheduler) TestHelper.createManualScheduler(pg.database().dataSource(), tasks.onDemand())
                .clock(clock)
                .startTasks(tasks.recurring())
                .build();
        scheduler.start();
        board = new ScheduleBoard(pg.database().jdbi(), settings, ledger, javaClock);
    }

    private void runAt(Instant t) {
        clock.set(t);
        scheduler.runAnyDueExecutions();
    }

    private ScheduleBoard.Schedule ingest() {
        return board.read().schedules().stream().filter(s -> s.name().equals(ScheduledTasks.INGEST)).findFirst()
                .orElseThrow();
    }

    @Test
    void the_board_shows_the_last_ingest_run_and_its_outcome_like_the_other_schedules() {
        start("0 4 * * *");
        assertThat(ingest().lastRun()).isEmpty();
        runAt(FOUR);
        assertThat(runs).hasValue(1);
        ScheduleBoard.Schedule s = ingest();
        assertThat(s.lastRun()).contains(FOUR);
        assertThat(s.lastOutcome()).contains("succeeded");
        assertThat(s.nextRun()).contains(FOUR.plus(Duration.ofDays(1)));
    }

    @Test
    void a_failed_ingest_run_is_retried_10_then_20_minutes_later_then_at_the_next_firing_which_gets_its_own() {
        start("0 4 * * *");
        failing.set(true);
        runAt(FOUR);
        ScheduleBoard.Schedule s = ingest();
        assertThat(s.lastRun()).contains(FOUR);
        assertThat(s.lastOutcome()).contains("failed");
        assertThat(s.nextRun()).contains(FOUR.plus(Duration.ofMinutes(10)));

        runAt(FOUR.plus(Duration.ofMinutes(10)));
        assertThat(ingest().nextRun()).contains(FOUR.plus(Duration.ofMinutes(30)));
        runAt(FOUR.plus(Duration.ofMinutes(30)));
        assertThat(runs).hasValue(3);
        assertThat(ingest().nextRun()).as("past the retries: the next firing").contains(FOUR.plus(Duration.ofDays(1)));

        // the next firing fails too: it gets its own retries
        Instant next = FOUR.plus(Duration.ofDays(1));
        runAt(next);
        assertThat(ingest().lastOutcome()).contains("failed");
        assertThat(ingest().nextRun()).contains(next.plus(Duration.ofMinutes(10)));
        runAt(next.plus(Duration.ofMinutes(10)));
        assertThat(ingest().nextRun()).contains(next.plus(Duration.ofMinutes(30)));
        runAt(next.plus(Duration.ofMinutes(30)));
        assertThat(runs).hasValue(6);
        assertThat(ingest().nextRun()).as("past the retries: the next firing").contains(next.plus(Duration.ofDays(1)));

        failing.set(false);
        runAt(FOUR.plus(Duration.ofDays(2)));
        s = ingest();
        assertThat(s.lastOutcome()).contains("succeeded");
        assertThat(s.lastRun()).contains(FOUR.plus(Duration.ofDays(2)));
        assertThat(s.nextRun()).contains(FOUR.plus(Duration.ofDays(3)));
    }

    @Test
    void a_retry_never_waits_past_the_next_firing() {
        start("*/5 * * * *");
        failing.set(true);
        runAt(FOUR);
        assertThat(ingest().lastOutcome()).contains("failed");
        assertThat(ingest().nextRun()).contains(FOUR.plus(Duration.ofMinutes(5)));
    }

    /** A round in which acme loaded and beta's one datasource failed as {@code failure} says. */
    private static IngestRound roundWhereBetaFailed(IngestReport.Failure failure, String error) {
        IngestReport.Window w = new IngestReport.Window("", "2025-09-16T04:00:00.000000");
        return new IngestRound("inc", List.of(
                new IngestReport("acme", "klaviyo_acme", "inc",
                        List.of(IngestReport.Result.success("profiles", "klaviyo_profiles", w, 3, 5))),
                new IngestReport("beta", "klaviyo_beta", "inc",
                        List.of(IngestReport.Result.error("profiles", "klaviyo_profiles", w, 5, error, failure)))),
                Map.of());
    }

    @Test
    void a_round_failed_only_by_a_rejected_key_is_not_retried_but_waits_for_the_next_firing() {
        start("0 4 * * *");
        round.set(roundWhereBetaFailed(IngestReport.Failure.USER, "Klaviyo rejected the API key (401) on get_profiles"));
        runAt(FOUR);
        assertThat(ingest().lastOutcome()).contains("failed");
        assertThat(ingest().nextRun()).as("nothing changes until the user acts").contains(FOUR.plus(Duration.ofDays(1)));
        runAt(FOUR.plus(Duration.ofMinutes(10)));
        runAt(FOUR.plus(Duration.ofMinutes(30)));
        assertThat(runs).hasValue(1);
    }

    @Test
    void a_round_with_an_outage_is_retried_also_beside_a_rejected_key() {
        start("0 4 * * *");
        round.set(roundWhereBetaFailed(IngestReport.Failure.DATABASE_UNAVAILABLE, "the database did not answer"));
        runAt(FOUR);
        assertThat(ingest().nextRun()).contains(FOUR.plus(Duration.ofMinutes(10)));

        IngestReport.Window w = new IngestReport.Window("", "2025-09-16T04:10:00.000000");
        round.set(new IngestRound("inc", List.of(
                new IngestReport("beta", "klaviyo_beta", "inc", List.of(IngestReport.Result.error("profiles",
                        "klaviyo_profiles", w, 5, "Klaviyo rejected the API key (401)", IngestReport.Failure.USER))),
                new IngestReport("cyan", "klaviyo_cyan", "inc", List.of(IngestReport.Result.error("profiles",
                        "klaviyo_profiles", w, 5, "Klaviyo failed (503)", IngestReport.Failure.OTHER)))),
                Map.of()));
        runAt(FOUR.plus(Duration.ofMinutes(10)));
        assertThat(runs).hasValue(2);
        assertThat(ingest().nextRun()).contains(FOUR.plus(Duration.ofMinutes(30)));
    }

    /** A failed datasource of {@code account} whose error Klaviyo said may clear at {@code retryAt} (null: not said). */
    private static IngestReport failedAt(String account, IngestReport.Failure failure, String error, Instant retryAt) {
        IngestReport.Window w = new IngestReport.Window("", "2025-09-16T04:00:00.000000");
        return new IngestReport(account, "klaviyo_" + account, "inc", List.of(
                IngestReport.Result.error("profiles", "klaviyo_profiles", w, 5, error, failure, retryAt)));
    }

    @Test
    void a_retry_waits_until_the_latest_time_klaviyo_said_a_failed_account_may_succeed_when_later_than_the_backoff() {
        start("0 4 * * *");
        Instant later = FOUR.plus(Duration.ofMinutes(45));
        round.set(new IngestRound("inc", List.of(
                failedAt("acme", IngestReport.Failure.OTHER, "Klaviyo throttled (429)", FOUR.plus(Duration.ofMinutes(25))),
                failedAt("beta", IngestReport.Failure.OTHER, "Klaviyo throttled (429)", later),
                failedAt("cyan", IngestReport.Failure.DATABASE_UNAVAILABLE, "the database did not answer", null)),
                Map.of()));
        runAt(FOUR);
        assertThat(ingest().nextRun()).contains(later);
        runAt(FOUR.plus(Duration.ofMinutes(10)));
        runAt(FOUR.plus(Duration.ofMinutes(30)));
        assertThat(runs).as("not retried into the 429s").hasValue(1);

        round.set(null);
        runAt(later);
        assertThat(runs).hasValue(2);
        assertThat(ingest().lastOutcome()).contains("succeeded");
        assertThat(failureLines()).singleElement().asString().startsWith(
                "WARN ingest failed (attempt 1; next run at 2025-09-16T04:45:00Z): ingest_failed: ");
    }

    @Test
    void a_round_that_cannot_clear_before_the_next_firing_is_given_up_and_its_line_says_why() {
        start("0 4 * * *");
        round.set(new IngestRound("inc", List.of(failedAt("beta", IngestReport.Failure.OTHER,
                "Klaviyo throttled (429)", Instant.parse("2025-09-17T05:00:00Z"))), Map.of()));
        runAt(FOUR);
        assertThat(ingest().nextRun()).contains(FOUR.plus(Duration.ofDays(1)));
        runAt(FOUR.plus(Duration.ofMinutes(10)));
        runAt(FOUR.plus(Duration.ofMinutes(30)));
        assertThat(runs).hasValue(1);
        assertThat(failureLines()).singleElement().asString().startsWith(
                "WARN ingest failed (attempt 1; gives up: it cannot succeed before 2025-09-17T05:00:00Z, past the next"
                        + " firing at 2025-09-17T04:00:00Z; next run at 2025-09-17T04:00:00Z): ingest_failed: ");
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.Backfill;
import dev.ksync.backfill.BackfillListener;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.backfill.BackfillStatus;
import dev.ksync.backfill.BackfillStore;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.budget.BudgetStore;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.stats.CallListener;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.sandbox.FaultKind;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backfill outlives the two ordinary events an ops audit found it did not: a shutdown of its node (the scheduler
 * stopping, or an interrupt inside a day) is no failure and the run resumes at its next day, on a new ksync over the
 * same database, with the rows of an uninterrupted run; Klaviyo failing past the client's own retries makes it wait
 * and run again by itself (10, 20, 40 minutes), and a permanent error (a revoked key) still fails it at once.
 */
class BackfillRetryTest {
    private static final BackfillParams YEAR = new BackfillParams(1, true, false);
    private static final BackfillParams TEST_BACKFILL = new BackfillParams(1, true, true);
    /** The tables a backfill writes, compared without the account id. */
    private static final List<String> TABLES = List.of("backfill_orders", "backfill_flow_daily",
            "backfill_campaign_daily", "backfill_campaigns", "backfill_flows");
    /** Attempts of one call (RetryPolicy.DEFAULT): this many 503s in a row outlast the client's retries. */
    private static final int CALL_ATTEMPTS = 6;

    // 20 ms a call: a year's backfill takes a few seconds, so a stop lands mid-run
    @RegisterExtension
    static final TestRig rig = TestRig.cli().sandbox(SandboxOptions.defaults().withProfiles(400).withHistoryDays(400)
                    .withRateLimits(RateLimitMode.OFF).withLatencyMs(20))
            .env("KSYNC_SCHEDULER_POLL_S", "1").env("KSYNC_SCHEDULER_HEARTBEAT_S", "1")
            .env("KLAVIYO_RATE_SCALE", "1000");

    @Test
    void a_ksync_shut_down_mid_backfill_leaves_it_in_progress_and_scheduled_and_a_new_one_finishes_it() {
        AccountId stopped = new AccountId("stopped");
        AccountId steady = new AccountId("steady");
        int stoppedAt;
        try (Ksync first = start()) {
            first.accounts().add(stopped, "Stopped", new Secret(TestRig.SANDBOX_KEY));
            first.accounts().add(steady, "Steady", new Secret(TestRig.SANDBOX_KEY));
            first.scheduler().start();
            first.backfill().start(stopped, YEAR);
            await("the backfill to pass day 10", () -> daysDone(first, stopped) >= 10 || !running(first, stopped));
        } // the shutdown: the scheduler stops, the run ends after its day
        try (Ksync second = start()) {
            JsonNode s = second.backfill().status(stopped).json();
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("in_progress");
            stoppedAt = s.path("days_completed").asInt();
            assertThat(stoppedAt).as("stopped mid-run").isLessThan(s.path("days_total").asInt());
            assertThat(s.path("errors")).as("a shutdown is no error").isEmpty();
            assertThat(s.path("attempts").asInt()).isZero();
            Map<String, Object> instance = second.database().jdbi().withHandle(h -> h.createQuery(
                    "select picked, execution_time from scheduled_tasks where task_name = 'backfill'"
                            + " and task_instance = 'stopped'").mapToMap().one());
            assertThat(instance.get("picked")).as("left scheduled, not picked").isEqualTo(false);
            assertThat(((java.sql.Timestamp) instance.get("execution_time")).toInstant())
                    .as("due at once").isBeforeOrEqualTo(Instant.now());

            second.scheduler().start(); // the restarted node resumes it
            await("the resumed backfill to end", () -> !running(second, stopped));
            second.backfill().start(steady, YEAR);
            await("the uninterrupted backfill to end", () -> !running(second, steady));
            second.scheduler().close();

            JsonNode resumed = second.backfill().status(stopped).json();
            JsonNode whole = second.backfill().status(steady).json();
            assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("completed");
            assertThat(whole.path("status").asText()).as(whole.toString()).isEqualTo("completed");
            assertThat(resumed.path("start_date")).isEqualTo(whole.path("start_date"));
            assertThat(resumed.path("end_date")).as("the runs cover the same days").isEqualTo(whole.path("end_date"));
            assertThat(resumed.path("counts")).isEqualTo(whole.path("counts"));
            assertThat(resumed.path("errors")).isEmpty();
            for (String table : TABLES) {
                assertThat(rows(second, table, stopped)).as(table + " after a stop at day " + stoppedAt)
                        .containsExactlyElementsOf(rows(second, table, steady));
            }
            assertThat(rows(second, "backfill_orders", steady)).isNotEmpty();
        }
    }

    @Test
    void an_interrupt_inside_a_day_rolls_the_day_back_and_is_no_failure_and_the_next_run_finishes() throws Exception {
        AccountId shop = new AccountId("interrupted");
        try (Ksync ksync = start()) {
            ksync.accounts().add(shop, "Interrupted", new Secret(TestRig.SANDBOX_KEY));
            Recorder alerts = new Recorder();
            Backfill backfill = backfill(ksync, ksync.klaviyo(), Clock.systemUTC(), alerts);
            backfill.start(shop, YEAR);
            AtomicReference<Object> ended = new AtomicReference<>();
            Thread worker = new Thread(() -> {
                try {
                    ended.set(Optional.ofNullable(backfill.work(shop)));
                } catch (Throwable t) {
                    ended.set(t);
                }
            }, "backfill-worker");
            worker.start();
            await("the backfill to pass day 10", () -> daysDone(ksync, shop) >= 10 || !worker.isAlive());
            worker.interrupt(); // what the scheduler does to a run still going when its shutdown wait is over
            worker.join(60_000);
            assertThat(ended.get()).as("the run ended with when to run again").isInstanceOf(Optional.class);
            assertThat((Optional<?>) ended.get()).as("the instance stays, due at once").isPresent();

            JsonNode s = backfill.status(shop).json();
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("in_progress");
            assertThat(s.path("days_completed").asInt()).isLessThan(s.path("days_total").asInt());
            assertThat(s.path("errors")).as("no Klaviyo error for an interrupt").isEmpty();
            assertThat(s.path("attempts").asInt()).isZero();
            assertThat(alerts.failed).as("no failure alert").isEmpty();
            long past = ksync.database().jdbi().withHandle(h -> h.createQuery("""
                    select count(*) from backfill_orders o join backfill_status s using (account_id)
                    where o.account_id = :a and o.day >= s.next_day""").bind("a", shop.value())
                    .mapTo(Long.class).one());
            assertThat(past).as("the interrupted day's rows rolled back").isZero();

            assertThat(backfill.work(shop)).isNull();
            JsonNode done = backfill.status(shop).json();
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("days_completed").asInt()).isEqualTo(done.path("days_total").asInt());
            assertThat(done.path("validation").path("mismatches")).as("orders per day equal Klaviyo's").isEmpty();
            assertThat(alerts.completed).hasSize(1);
            assertThat(alerts.failed).isEmpty();
        }
    }

    @Test
    void klaviyo_failing_past_the_clients_retries_makes_the_backfill_wait_and_retry_until_it_completes() {
        AccountId shop = new AccountId("flaky");
        ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        AtomicReference<Runnable> onCall = new AtomicReference<>(() -> {});
        CallListener calls = new CallListener() {
            @Override
            public void onCall(String operationId, int status, Duration latency) {
                onCall.get().run();
            }
        };
        try (Ksync ksync = start(); KlaviyoAccess klaviyo = klaviyo(ksync, clock, calls)) {
            ksync.accounts().add(shop, "Flaky", new Secret(TestRig.SANDBOX_KEY));
            Recorder alerts = new Recorder();
            Backfill backfill = backfill(ksync, klaviyo, clock, alerts);
            backfill.start(shop, TEST_BACKFILL);

            rig.sandbox().injectFaults(FaultKind.UNAVAILABLE_503, CALL_ATTEMPTS, "get_events");
            Instant again = backfill.work(shop);
            assertThat(again).as("a retry 10 minutes on").isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
            JsonNode s = backfill.status(shop).json();
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("in_progress");
            assertThat(s.path("waiting").path("reason").asText()).isEqualTo("klaviyo_unavailable");
            assertThat(Instant.parse(s.path("waiting").path("until").asText()))
                    .isEqualTo(again.truncatedTo(ChronoUnit.SECONDS));
            assertThat(s.path("attempts").asInt()).isEqualTo(1);
            assertThat(s.path("errors")).hasSize(1);
            assertThat(s.path("errors").get(0).path("message").asText()).contains("get_events").contains("503");

            clock.advance(Duration.ofMinutes(10));
            rig.sandbox().injectFaults(FaultKind.UNAVAILABLE_503, CALL_ATTEMPTS, "get_events");
            assertThat(backfill.work(shop)).as("then 20 minutes on")
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
            assertThat(backfill.status(shop).json().path("attempts").asInt()).isEqualTo(2);
            assertThat(alerts.failed).isEmpty();

            clock.advance(Duration.ofMinutes(20)); // Klaviyo is back
            List<JsonNode> waitingWhileRunning = new CopyOnWriteArrayList<>();
            onCall.set(() -> waitingWhileRunning.add(backfill.status(shop).json().path("waiting")));
            assertThat(backfill.work(shop)).isNull();
            assertThat(waitingWhileRunning).as("the run's first call").isNotEmpty();
            assertThat(waitingWhileRunning.get(0).isNull()).as("no wait shown once the run goes on: %s",
                    waitingWhileRunning.get(0)).isTrue();
            JsonNode done = backfill.status(shop).json();
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("waiting").isNull()).isTrue();
            assertThat(done.path("days_completed").asInt()).isEqualTo(7);
            assertThat(done.path("validation").path("mismatches")).as("orders per day equal Klaviyo's").isEmpty();
            assertThat(done.path("attempts").asInt()).isEqualTo(2);
            assertThat(done.path("errors")).hasSize(2);
            assertThat(alerts.completed).hasSize(1);
            assertThat(alerts.failed).isEmpty();
        }
    }

    @Test
    void klaviyo_still_failing_after_the_last_retry_fails_the_backfill_with_one_alert() {
        AccountId shop = new AccountId("outage");
        ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (Ksync ksync = start(); KlaviyoAccess klaviyo = klaviyo(ksync, clock)) {
            ksync.accounts().add(shop, "Outage", new Secret(TestRig.SANDBOX_KEY));
            Recorder alerts = new Recorder();
            Backfill backfill = backfill(ksync, klaviyo, clock, alerts);
            backfill.start(shop, TEST_BACKFILL);
            try {
                for (Duration wait : List.of(Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40))) {
                    rig.sandbox().injectFaults(FaultKind.UNAVAILABLE_503, CALL_ATTEMPTS, "get_events");
                    assertThat(backfill.work(shop)).isEqualTo(clock.instant().plus(wait));
                    assertThat(alerts.failed).isEmpty();
                    clock.advance(wait);
                }
                rig.sandbox().injectFaults(FaultKind.UNAVAILABLE_503, CALL_ATTEMPTS, "get_events");
                assertThat(backfill.work(shop)).isNull();
            } finally {
                rig.sandbox().clearFaults();
            }
            JsonNode s = backfill.status(shop).json();
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("failed");
            assertThat(s.path("attempts").asInt()).isEqualTo(4);
            assertThat(s.path("errors")).hasSize(4);
            assertThat(s.path("waiting").isNull()).isTrue();
            assertThat(alerts.failed).hasSize(1);
        }
    }

    @Test
    void a_revoked_key_still_fails_the_backfill_at_once() {
        AccountId shop = new AccountId("revoked");
        ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (Ksync ksync = start(); KlaviyoAccess klaviyo = klaviyo(ksync, clock)) {
            ksync.accounts().add(shop, "Revoked", new Secret(TestRig.SANDBOX_KEY));
            Recorder alerts = new Recorder();
            Backfill backfill = backfill(ksync, klaviyo, clock, alerts);
            backfill.start(shop, TEST_BACKFILL);
            ksync.accounts().setKey(shop, new Secret("pk_revoked_0123456789abcdef"));
            assertThat(backfill.work(shop)).isNull();
            JsonNode s = backfill.status(shop).json();
            assertThat(s.path("status").asText()).as(s.toString()).isEqualTo("failed");
            assertThat(s.path("waiting").isNull()).isTrue();
            assertThat(s.path("attempts").asInt()).isEqualTo(1);
            assertThat(s.path("errors").get(0).path("message").asText()).contains("401");
            assertThat(alerts.failed).hasSize(1);
        }
    }

    /** The backfill alerts a run sent. */
    private static final class Recorder implements BackfillListener {
        final List<BackfillStatus> completed = new CopyOnWriteArrayList<>();
        final List<BackfillStatus> failed = new CopyOnWriteArrayList<>();

        @Override
        public void completed(BackfillStatus status) {
            completed.add(status);
        }

        @Override
        public void failed(BackfillStatus status) {
            failed.add(status);
        }
    }

    private static Ksync start() {
        return Ksync.start(AppConfig.load(rig.env()));
    }

    /** Klaviyo clients on {@code clock} whose retry backoffs advance it instead of sleeping. */
    private static KlaviyoAccess klaviyo(Ksync ksync, ManualClock clock) {
        return klaviyo(ksync, clock, CallListener.NONE);
    }

    private static KlaviyoAccess klaviyo(Ksync ksync, ManualClock clock, CallListener calls) {
        return new KlaviyoAccess(ksync.config().klaviyo(), ksync.accounts()::apiKey, clock, calls,
                BudgetStore.inMemory(), 0, clock.sleeper());
    }

    /** The backfill as ksync builds it, on these Klaviyo clients, clock and alerts; run here by {@code work}. */
    private static Backfill backfill(Ksync ksync, KlaviyoAccess klaviyo, Clock clock, BackfillListener alerts) {
        return new Backfill(new Backfill.Settings(Optional.empty(), AppConfig.DEFAULT_BACKFILL_REFRESH_DAYS),
                new BackfillStore(ksync.database().jdbi()), ksync.accounts(), klaviyo,
                ReportQuota.fixed(225, clock.instant().plus(Duration.ofDays(1))), clock, alerts,
                () -> ksync.scheduler().client());
    }

    private static void await(String what, BooleanSupplier done) {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (!done.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(until);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static int daysDone(Ksync ksync, AccountId account) {
        return ksync.database().jdbi().withHandle(h -> h.createQuery(
                "select coalesce(max(days_done), 0) from backfill_status where account_id = :a")
                .bind("a", account.value()).mapTo(Integer.class).one());
    }

    private static boolean running(Ksync ksync, AccountId account) {
        return ksync.database().jdbi().withHandle(h -> h.createQuery(
                "select count(*) from backfill_status where account_id = :a and status = 'in_progress'")
                .bind("a", account.value()).mapTo(Integer.class).one()) == 1;
    }

    /** Every row of the account in the table, as JSON without the account id, sorted. */
    private static List<String> rows(Ksync ksync, String table, AccountId account) {
        return ksync.database().jdbi().withHandle(h -> h.createQuery("select (to_jsonb(t) - 'account_id')::text from "
                + table + " t where account_id = :a order by 1").bind("a", account.value()).mapTo(String.class).list());
    }
}

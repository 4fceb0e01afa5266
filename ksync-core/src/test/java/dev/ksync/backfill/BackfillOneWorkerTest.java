package dev.ksync.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.ksync.accounts.AccountId;
import dev.ksync.accounts.AccountService;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.db.TestPostgres;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportSandbox;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.secrets.SecretBox;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One worker per account's backfill, whichever process: a second {@code work} of a backfill another is working (a
 * {@code ksync backfill start} beside the {@code ksync serve} node that picked its task) does nothing and answers
 * when to try again, so Klaviyo sees the calls of one run (report calls are limited to 225 a day).
 */
class BackfillOneWorkerTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private static final BackfillParams TEST = new BackfillParams(1, true, true);
    private static final List<String> TABLES = List.of("backfill_orders", "backfill_flow_daily",
            "backfill_campaign_daily", "backfill_campaigns", "backfill_flows");
    private static ReportSandbox sandbox;
    private static Backfill backfill;

    @BeforeAll
    static void setUp() {
        sandbox = new ReportSandbox(3000);
        AccountService accounts = new AccountService(pg.database().jdbi(),
                SecretBox.fromPassphrase(new Secret("test passphrase 123")), sandbox.clock);
        for (String id : List.of("single", "twice")) { // both on the sandbox's one key: the same data, the same calls
            accounts.add(new AccountId(id), null, new Secret(SandboxOptions.DEFAULT_API_KEY));
        }
        Backfill[] self = {null};
        backfill = new Backfill(new Backfill.Settings(Optional.empty(), AppConfig.DEFAULT_BACKFILL_REFRESH_DAYS),
                new BackfillStore(pg.database().jdbi()), accounts, sandbox.klaviyo,
                ReportQuota.fixed(225, sandbox.clock.instant().plus(Duration.ofDays(1))), sandbox.clock,
                BackfillListener.NONE,
                () -> SchedulerClient.Builder.create(pg.database().dataSource(), self[0].task()).build());
        self[0] = backfill;
    }

    @AfterAll
    static void tearDown() {
        if (sandbox != null) sandbox.close();
    }

    @Test
    void two_concurrent_works_of_one_backfill_make_the_klaviyo_calls_of_one_run_and_store_its_rows()
            throws Exception {
        AccountId single = new AccountId("single");
        backfill.start(single, TEST);
        sandbox.resetStats();
        assertThat(backfill.work(single)).isNull();
        Map<String, Long> oneRun = sandbox.stats();
        assertThat(backfill.status(single).status()).isEqualTo(BackfillStatus.COMPLETED);
        assertThat(oneRun).containsKeys("get_campaigns", "get_flows", "query_campaign_values");

        AccountId twice = new AccountId("twice");
        backfill.start(twice, TEST);
        sandbox.resetStats();
        CompletableFuture<Instant> first;
        CompletableFuture<Instant> second;
        // the test holds the status row: the first work stops when it stores its catalog, mid-run, until released
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Handle pin = pg.database().jdbi().open()) {
            pin.begin();
            pin.createQuery("select 1 from backfill_status where account_id = 'twice' for update")
                    .mapTo(Integer.class).one();
            first = CompletableFuture.supplyAsync(() -> backfill.work(twice), threads);
            await("the first work to wait for the status row", () -> waitingForLocks() == 1);
            second = CompletableFuture.supplyAsync(() -> backfill.work(twice), threads);
            // with two workers, the second would list the catalog again and wait at the status row as well
            await("the second work to end, or to wait for the status row too",
                    () -> second.isDone() || waitingForLocks() == 2);
            pin.rollback();
        }
        Instant before = sandbox.clock.instant();
        Instant firstAgain;
        Instant secondAgain;
        try {
            secondAgain = second.get(120, TimeUnit.SECONDS);
            firstAgain = first.get(120, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(backfill.status(twice).status()).isEqualTo(BackfillStatus.COMPLETED);
        assertThat(sandbox.stats()).as("Klaviyo calls of the concurrent works").isEqualTo(oneRun);
        for (String table : TABLES) {
            assertThat(rows(table, twice)).as(table).isEqualTo(rows(table, single));
        }
        assertThat(firstAgain).as("the first ran it to its end").isNull();
        assertThat(secondAgain).as("the second tries again later, as the scheduler's task does").isAfter(before);
        assertThat(rows("backfill_orders", single)).as("orders stored").isNotEmpty();
        assertThat(rows("backfill_flow_daily", single)).as("flow statistics stored").isNotEmpty();
        assertThat(backfill.work(twice)).as("a work once it is done, the worker lock released").isNull();
    }

    /** Backends of this database waiting for a lock (the works blocked on the pinned status row). */
    private static int waitingForLocks() {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select count(*) from pg_stat_activity"
                + " where datname = current_database() and wait_event_type = 'Lock'").mapTo(Integer.class).one());
    }

    /** Every row of the account in the table, as JSON without the account id, sorted. */
    private static List<String> rows(String table, AccountId account) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select (to_jsonb(t) - 'account_id')::text from "
                        + table + " t where account_id = :a order by 1").bind("a", account.value())
                .mapTo(String.class).list());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

package dev.ksync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.db.TestPostgres;
import dev.ksync.klaviyo.http.HttpAnswer;
import dev.ksync.klaviyo.http.HttpCall;
import dev.ksync.klaviyo.http.HttpTransport;
import dev.ksync.klaviyo.http.JdkHttpTransport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A load writes its records to PostgreSQL as Klaviyo pages them, so memory stays flat in the number of rows: Klaviyo
 * is held at a later page of the window, and while it is held the load's transaction has already written rows. A load
 * that first reads its whole window (a record stream pulled through an iterator of a flatMap buffers all of it) has
 * written nothing then.
 */
class IngestionStreamingTest {
    /** How long to wait for what a streaming load does at once (generous: the machine may be busy). */
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String TABLE = "klaviyo_events";
    /** Rows per COPY batch: small, so that a window of the sandbox's events (about 50 a day) is many batches. */
    private static final int BATCH_ROWS = 100;
    private static final Ingestion.Settings SETTINGS = new Ingestion.Settings(Ingestion.Settings.DEFAULT_SCHEMA, 1,
            BATCH_ROWS, Duration.ofDays(7), Duration.ZERO, false);

    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();
    static IngestSandbox s;

    @BeforeAll
    static void start() {
        pg.database().migrate();
        s = new IngestSandbox(pg.database());
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void a_first_ingest_writes_rows_while_klaviyo_still_pages_its_window() throws Exception {
        at(IngestSandbox.SANDBOX_NOW);
        // no table yet: the load creates it and writes its rows in one transaction
        assertThat(tableExists("klaviyo_first")).isFalse();
        assertHoldsTheWindowOnce("first", runHeld("first"));
    }

    @Test
    void an_incremental_ingest_writes_rows_while_klaviyo_still_pages_its_window() throws Exception {
        at(IngestSandbox.SANDBOX_NOW.minus(Duration.ofDays(20)));
        IngestReport before = runEvents(s.ingestion(SETTINGS, null), "again");
        assertThat(before.failed()).as(before.toString()).isFalse();
        at(IngestSandbox.SANDBOX_NOW); // 20 days of new events into the table the first run made
        assertHoldsTheWindowOnce("again", runHeld("again"));
    }

    /**
     * Ingests the account's events, Klaviyo held once it has served two batches' worth of them: by then a streaming
     * load has had a whole batch to write, whatever order the pages came in. Released once rows are seen in
     * PostgreSQL (or the bound passes); the run then finishes.
     */
    private static IngestReport runHeld(String account) throws Exception {
        try (HeldEvents klaviyo = new HeldEvents(2L * BATCH_ROWS)) {
            Ingestion ingestion = s.ingestion(SETTINGS, klaviyo);
            CompletableFuture<IngestReport> run = CompletableFuture.supplyAsync(() -> runEvents(ingestion, account));
            boolean written;
            try {
                assertThat(eventually(() -> klaviyo.holding.getCount() == 0 || run.isDone()))
                        .as("Klaviyo held, or the run done, in time").isTrue();
                assertThat(run).as("Klaviyo was held: the window has more than two batches of events").isNotDone();
                written = eventually(IngestionStreamingTest::loadHasWritten);
            } finally {
                klaviyo.released.countDown();
            }
            IngestReport report = run.get(5, TimeUnit.MINUTES);
            assertThat(written).as("rows reached PostgreSQL while Klaviyo still held the window's later pages").isTrue();
            assertThat(report.failed()).as(report.toString()).isFalse();
            return report;
        }
    }

    /**
     * Whether another session of the test's database holds ROW EXCLUSIVE on a table of its own (PostgreSQL's catalogs
     * have oids below 16384): writing rows into a table takes it (COPY, INSERT) and the transaction keeps it to its
     * end. Only the load's session writes while it runs; no other session sees its uncommitted rows, nor the table a
     * first load has just created, but every session sees its locks.
     */
    private static boolean loadHasWritten() {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select exists (select 1 from pg_locks l"
                + " join pg_stat_activity a on a.pid = l.pid where a.datname = current_database()"
                + " and l.pid <> pg_backend_pid() and l.locktype = 'relation' and l.mode = 'RowExclusiveLock'"
                + " and l.relation >= 16384)").mapTo(Boolean.class).one());
    }

    /** The sandbox's HTTP; calls for events made once it has served {@code threshold} events wait until released. */
    private static final class HeldEvents implements HttpTransport, AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final JdkHttpTransport http = new JdkHttpTransport(Duration.ofSeconds(10));
        private final long threshold;
        private final AtomicLong served = new AtomicLong();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        HeldEvents(long threshold) {
            this.threshold = threshold;
        }

        @Override
        public HttpAnswer send(HttpCall call) throws IOException, InterruptedException {
            boolean events = call.uri().getPath().equals("/api/events");
            if (events && served.get() >= threshold) {
                holding.countDown();
                released.await();
            }
            HttpAnswer answer = http.send(call);
            if (events && answer.status() == 200) served.addAndGet(JSON.readTree(answer.body()).path("data").size());
            return answer;
        }

        @Override
        public void close() {
            released.countDown();
            http.close();
        }
    }

    /** The events table holds each of the sandbox's events from the default start to the run's end once. */
    private static void assertHoldsTheWindowOnce(String account, IngestReport report) {
        Datasource events = DatasourceFile.builtIn().inc().stream().filter(d -> d.name().equals("events")).findFirst()
                .orElseThrow();
        var ids = s.ids(report.schema(), TABLE);
        assertThat(IngestSandbox.duplicates(ids)).as(account + " duplicates").isEmpty();
        assertThat(IngestSandbox.distinct(ids)).isEqualTo(s.truth("events", "datetime",
                RunbookTime.parse(events.defaultStartTime()),
                RunbookTime.parse(report.datasources().getFirst().window().end())));
    }

    private static boolean tableExists(String schema) {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select to_regclass(:t) is not null")
                .bind("t", schema + "." + TABLE).mapTo(Boolean.class).one());
    }

    private static IngestReport runEvents(Ingestion ingestion, String account) {
        return ingestion.run(new IngestRequest(IngestMode.INC, Optional.of(AccountId.of("accountId", account)),
                Optional.empty(), Set.of("events"), Optional.empty()));
    }

    /** Sets the ingestion's clock. */
    private static void at(Instant t) {
        s.clock.advance(Duration.between(s.clock.instant(), t));
    }

    /** Polls {@code condition} until it holds or {@link #BOUND} passes; whether it held. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }
}

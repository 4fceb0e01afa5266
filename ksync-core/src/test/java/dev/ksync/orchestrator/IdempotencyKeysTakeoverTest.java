package dev.ksync.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ksync.db.Database;
import dev.ksync.db.TestPostgres;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key left 'running' by a node that died mid-run: while the holder's connection lives the key answers 409; once
 * PostgreSQL has dropped that connection (and with it the advisory lock) the next run takes the key over and works.
 */
class IdempotencyKeysTakeoverTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    private static final String SCOPE = "acme";
    private static final String KEY = "nightly-2026-12-01";
    private static final String FP = "fingerprint-1";

    @Test
    void a_running_key_whose_holder_connection_died_is_taken_over_instead_of_answering_409() throws Exception {
        IdempotencyKeys keys = new IdempotencyKeys(pg.database().jdbi(), Clock.systemUTC());
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService node = Executors.newSingleThreadExecutor();
        // the "node": its own pool, like another process on the database
        try (Database other = Database.ofJdbcUrl(pg.jdbcUrl())) {
            IdempotencyKeys holder = new IdempotencyKeys(other.jdbi(), Clock.systemUTC());
            Future<IdempotencyKeys.Outcome> held = node.submit(() -> holder.run(SCOPE, KEY, FP, () -> {
                working.countDown();
                try {
                    never.await(); // stuck mid-run until its connection is gone
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return answer("from the dead node");
            }));
            assertThat(working.await(30, TimeUnit.SECONDS)).isTrue();

            AtomicInteger ran = new AtomicInteger();
            KsyncException busy = catchThrowableOfType(KsyncException.class,
                    () -> keys.run(SCOPE, KEY, FP, () -> { ran.incrementAndGet(); return answer("too early"); }));
            assertThat(busy.kind()).isEqualTo(ErrorKind.CONFLICT);
            assertThat(busy.code()).isEqualTo("idempotency_key_in_use");
            assertThat(ran).hasValue(0);
            assertThat(state()).isEqualTo("running");

            // the node dies: PostgreSQL ends its session, and the advisory lock goes with it
            int killed = pg.database().jdbi().withHandle(h -> h.createQuery("select count(pg_terminate_backend(pid))"
                            + " from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()"
                            + " and database = (select oid from pg_database where datname = current_database())")
                    .mapTo(Integer.class).one());
            assertThat(killed).isEqualTo(1);
            assertThat(state()).as("the dead run's claim is still there").isEqualTo("running");

            IdempotencyKeys.Outcome next = keys.run(SCOPE, KEY, FP, () -> {
                ran.incrementAndGet();
                return answer("taken over");
            });
            assertThat(next.replayed()).isFalse();
            assertThat(new String(next.answer().body(), StandardCharsets.UTF_8)).isEqualTo("taken over");
            assertThat(ran).hasValue(1);
            assertThat(state()).isEqualTo("done");

            IdempotencyKeys.Outcome repeat = keys.run(SCOPE, KEY, FP, () -> answer("again"));
            assertThat(repeat.replayed()).isTrue();
            assertThat(new String(repeat.answer().body(), StandardCharsets.UTF_8)).isEqualTo("taken over");

            never.countDown(); // the dead node's thread ends on its broken connection; it changes nothing
            catchThrowableOfType(Exception.class, () -> held.get(30, TimeUnit.SECONDS));
            assertThat(state()).isEqualTo("done");
            IdempotencyKeys.Outcome last = keys.run(SCOPE, KEY, FP, () -> answer("again"));
            assertThat(new String(last.answer().body(), StandardCharsets.UTF_8)).isEqualTo("taken over");
        } finally {
            never.countDown();
            node.shutdownNow();
        }
    }

    @Test
    void an_answer_committed_in_the_works_transaction_stays_done_when_the_work_fails_after_it() {
        IdempotencyKeys keys = new IdempotencyKeys(pg.database().jdbi(), Clock.systemUTC());
        String key = "committed-then-failed";
        RuntimeException late = new IllegalStateException("failed after the commit");
        Throwable thrown = catchThrowableOfType(IllegalStateException.class, () -> keys.run(SCOPE, key, FP, done -> {
            pg.database().jdbi().useTransaction(tx -> done.record(tx, answer("committed")));
            throw late;
        }));
        assertThat(thrown).isSameAs(late);
        AtomicInteger ran = new AtomicInteger();
        IdempotencyKeys.Outcome repeat = keys.run(SCOPE, key, FP, () -> { ran.incrementAndGet(); return answer("x"); });
        assertThat(repeat.replayed()).isTrue();
        assertThat(new String(repeat.answer().body(), StandardCharsets.UTF_8)).isEqualTo("committed");
        assertThat(ran).hasValue(0);
    }

    @Test
    void an_answer_recorded_in_a_transaction_that_rolls_back_leaves_the_key_free() {
        IdempotencyKeys keys = new IdempotencyKeys(pg.database().jdbi(), Clock.systemUTC());
        String key = "rolled-back";
        catchThrowableOfType(IllegalStateException.class, () -> keys.run(SCOPE, key, FP, done -> {
            pg.database().jdbi().useTransaction(tx -> {
                done.record(tx, answer("never committed"));
                throw new IllegalStateException("rolled back");
            });
            return answer("unreached");
        }));
        IdempotencyKeys.Outcome next = keys.run(SCOPE, key, FP, () -> answer("second run"));
        assertThat(next.replayed()).isFalse();
        assertThat(new String(next.answer().body(), StandardCharsets.UTF_8)).isEqualTo("second run");
    }

    private static IdempotencyKeys.Answer answer(String body) {
        return new IdempotencyKeys.Answer(200, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String state() {
        return pg.database().jdbi().withHandle(h -> h.createQuery("select state from idempotency_keys"
                + " where account_id = :s and key = :k").bind("s", SCOPE).bind("k", KEY).mapTo(String.class).one());
    }
}

package dev.ksync.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.klaviyo.budget.BudgetStore;
import dev.ksync.klaviyo.budget.BudgetStore.Slot;
import dev.ksync.db.TestPostgres;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresBudgetStoreTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    static final long MINUTE = 60_000;
    static final long DAY = 86_400_000;

    /** A store with its own connections, as another process would have. */
    static BudgetStore process() {
        return new PostgresBudgetStore(Jdbi.create(pg.jdbcUrl()));
    }

    @Test
    void two_processes_count_in_one_window() {
        BudgetStore a = process();
        BudgetStore b = process();
        Slot minute = new Slot(MINUTE, 1, 2);
        assertThat(a.take("k1/query_flow_values", List.of(minute))).isEmpty();
        assertThat(b.take("k1/query_flow_values", List.of(minute))).isEmpty();
        assertThat(a.take("k1/query_flow_values", List.of(minute))).contains(minute);
        assertThat(b.take("k1/query_flow_values", List.of(minute))).contains(minute);
        assertThat(a.take("k2/query_flow_values", List.of(minute))).as("another account").isEmpty();
        assertThat(b.used("k1/query_flow_values", minute)).isEqualTo(2);
    }

    @Test
    void a_full_window_counts_the_call_nowhere() {
        BudgetStore s = process();
        Slot minute = new Slot(MINUTE, 7, 5);
        Slot day = new Slot(DAY, 0, 1);
        assertThat(s.take("full", List.of(minute, day))).isEmpty();
        assertThat(s.take("full", List.of(minute, day))).contains(day);
        assertThat(s.used("full", minute)).isEqualTo(1);
    }

    @Test
    void concurrent_takers_of_two_processes_never_pass_the_limit() throws Exception {
        List<BudgetStore> stores = List.of(process(), process());
        Slot minute = new Slot(MINUTE, 3, 100);
        Slot next = new Slot(MINUTE, 4, 100);
        AtomicInteger granted = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                BudgetStore s = stores.get(t % 2);
                // half the calls straddle into the next window: the two are always taken in one order, no deadlock
                List<Slot> slots = t % 4 < 2 ? List.of(minute) : List.of(next, minute);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 30; i++) if (s.take("busy", slots).isEmpty()) granted.incrementAndGet();
                }));
            }
            for (Future<?> f : runs) f.get();
        }
        assertThat(granted.get()).isEqualTo(100);
        assertThat(stores.get(0).used("busy", minute)).isEqualTo(100);
    }

    @Test
    void klaviyo_saying_fewer_remain_raises_the_count_and_never_lowers_it() {
        BudgetStore s = process();
        Slot minute = new Slot(MINUTE, 9, 10);
        s.raiseTo("raise", minute, 6);
        s.raiseTo("raise", minute, 4);
        assertThat(s.used("raise", minute)).isEqualTo(6);
        assertThat(s.take("raise", List.of(minute))).isEqualTo(Optional.empty());
        assertThat(s.used("raise", minute)).isEqualTo(7);
    }

    @Test
    void ended_windows_are_swept() {
        PostgresBudgetStore s = new PostgresBudgetStore(Jdbi.create(pg.jdbcUrl()));
        s.take("sweep", List.of(new Slot(MINUTE, 1, 5)));
        s.take("sweep", List.of(new Slot(MINUTE, 3, 5)));
        s.sweepBefore(java.time.Instant.ofEpochMilli(3 * MINUTE));
        assertThat(s.used("sweep", new Slot(MINUTE, 1, 5))).isZero();
        assertThat(s.used("sweep", new Slot(MINUTE, 3, 5))).isEqualTo(1);
    }
}

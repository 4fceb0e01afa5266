package dev.ksync.db;

import dev.ksync.klaviyo.budget.BudgetStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Rate-budget windows in PostgreSQL (table {@code budget_windows}), so every process on the database draws from one
 * count per account and window. One transaction per call: an upsert per window that adds the call only while the
 * window has room; when one is full the transaction rolls back and nothing is counted. The row lock the upsert takes
 * serialises concurrent takers of a window; windows are taken in one order, so two takers cannot deadlock.
 *
 * <p>Why counters and not Bucket4j's PostgreSQL buckets: Klaviyo's windows are fixed and it counts a call when the
 * call arrives, so a call sent just before a window ends must count in that window and the next one at once. A
 * refilling bucket holds only its current window's tokens; there is nothing to charge the next window against.
 */
public final class PostgresBudgetStore implements BudgetStore {
    /** Ended windows are swept every this many takes; their rows are useless once the window has passed. */
    private static final int SWEEP_EVERY = 256;

    private final Jdbi jdbi;
    private final AtomicLong takes = new AtomicLong();

    public PostgresBudgetStore(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi is null");
    }

    /** Thrown inside the transaction to roll it back; never leaves this class. */
    private static final class Full extends RuntimeException {
        final Slot slot;

        Full(Slot slot) {
            super(null, null, false, false);
            this.slot = slot;
        }
    }

    @Override
    public Optional<Slot> take(String budget, List<Slot> slots) {
        List<Slot> ordered = BudgetStore.ordered(slots);
        try {
            jdbi.useTransaction(h -> {
                for (Slot s : ordered) {
                    boolean counted = h.createQuery("""
                            insert into budget_windows (budget, length_ms, window_index, used, ends_at)
                            values (:budget, :length, :index, 1, :ends)
                            on conflict (budget, length_ms, window_index)
                            do update set used = budget_windows.used + 1 where budget_windows.used < :limit
                            returning used""")
                            .bind("budget", budget).bind("length", s.lengthMillis()).bind("index", s.index())
                            .bind("ends", s.end()).bind("limit", s.limit())
                            .mapTo(Integer.class).findOne().isPresent();
                    if (!counted) throw new Full(s);
                }
            });
        } catch (Full f) {
            return Optional.of(f.slot);
        }
        if (takes.incrementAndGet() % SWEEP_EVERY == 0 && !ordered.isEmpty()) {
            Slot shortest = ordered.getLast();
            sweepBefore(Instant.ofEpochMilli(shortest.index() * shortest.lengthMillis()));
        }
        return Optional.empty();
    }

    @Override
    public void raiseTo(String budget, Slot slot, int used) {
        jdbi.useHandle(h -> h.createUpdate("""
                insert into budget_windows (budget, length_ms, window_index, used, ends_at)
                values (:budget, :length, :index, :used, :ends)
                on conflict (budget, length_ms, window_index)
                do update set used = greatest(budget_windows.used, excluded.used)""")
                .bind("budget", budget).bind("length", slot.lengthMillis()).bind("index", slot.index())
                .bind("used", Math.max(0, used)).bind("ends", slot.end()).execute());
    }

    @Override
    public int used(String budget, Slot slot) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select used from budget_windows where budget = :budget and length_ms = :length and window_index = :index")
                .bind("budget", budget).bind("length", slot.lengthMillis()).bind("index", slot.index())
                .mapTo(Integer.class).findOne().orElse(0));
    }

    /** Deletes every window that ended before {@code t} (of every budget: all share one clock). */
    void sweepBefore(Instant t) {
        jdbi.useHandle((Handle h) -> h.createUpdate("delete from budget_windows where ends_at < :t").bind("t", t).execute());
    }
}

package dev.ksync.klaviyo.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the call counts of fixed windows live: in memory ({@link #inMemory()}), or in a database shared by every
 * process of an account (ksync-core's PostgreSQL store), so windows that matter across restarts and nodes — the
 * reporting endpoints' 2 a minute and 225 a day — are counted once for all of them.
 *
 * <p>A window instance is a {@link Slot}: the {@code index}-th window of its length since the epoch, the way
 * Klaviyo's fixed windows fall. Counters, not token buckets: a call sent close to a window's end may be counted by
 * Klaviyo in the next window (it counts calls when they arrive), so one call must be able to count in two windows
 * of the same length at once, atomically with its other windows; a refilling bucket holds only its current window.
 */
public interface BudgetStore {
    /**
     * One instance of a fixed window.
     *
     * @param lengthMillis the window's length
     * @param index        which window of that length since the epoch: [index·length, (index+1)·length)
     * @param limit        calls it admits
     */
    record Slot(long lengthMillis, long index, int limit) {
        public Slot {
            if (lengthMillis < 1 || limit < 1) throw new IllegalArgumentException("invalid slot " + lengthMillis + "/" + limit);
        }

        public Instant end() {
            return Instant.ofEpochMilli((index + 1) * lengthMillis);
        }

        /** Windows of an hour or more are caps to report, not waits to sit out (the 225/day report cap). */
        public boolean isCap() {
            return lengthMillis >= Duration.ofHours(1).toMillis();
        }
    }

    /**
     * Counts one call in every slot when all of them have room, else counts nothing.
     *
     * @param budget the budget's key (account fingerprint and operation); never a key in clear
     * @return empty when counted, else a slot that is full (a cap first, when one is)
     */
    Optional<Slot> take(String budget, List<Slot> slots);

    /** Raises the slot's count to at least {@code used} (Klaviyo said fewer calls remain than we counted). */
    void raiseTo(String budget, Slot slot, int used);

    /** Calls counted in the slot so far. */
    int used(String budget, Slot slot);

    static BudgetStore inMemory() {
        return new MemoryBudgetStore();
    }

    /** The slots in the order a store should take them: caps first, then longer windows, so locks are taken in one order. */
    static List<Slot> ordered(List<Slot> slots) {
        Objects.requireNonNull(slots, "slots is null");
        return slots.stream().sorted(Comparator.comparingLong(Slot::lengthMillis).reversed()
                .thenComparingLong(Slot::index)).toList();
    }
}

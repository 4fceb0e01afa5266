package dev.ksync.klaviyo.budget;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Counters in this JVM; windows that have ended are forgotten as new ones start. */
final class MemoryBudgetStore implements BudgetStore {
    private record Key(String budget, long lengthMillis, long index) {}

    private final Map<Key, Integer> used = new HashMap<>();
    private long takes;

    @Override
    public synchronized Optional<Slot> take(String budget, List<Slot> slots) {
        for (Slot s : BudgetStore.ordered(slots)) {
            if (used.getOrDefault(key(budget, s), 0) >= s.limit()) return Optional.of(s);
        }
        for (Slot s : slots) used.merge(key(budget, s), 1, Integer::sum);
        if (++takes % 4096 == 0) forgetBefore(slots);
        return Optional.empty();
    }

    @Override
    public synchronized void raiseTo(String budget, Slot slot, int n) {
        used.merge(key(budget, slot), n, Math::max);
    }

    @Override
    public synchronized int used(String budget, Slot slot) {
        return used.getOrDefault(key(budget, slot), 0);
    }

    /** Drops every window that ended before the shortest slot just taken began (of any budget: they share the clock). */
    private void forgetBefore(List<Slot> current) {
        long shortest = current.stream().mapToLong(Slot::lengthMillis).min().orElse(1);
        long now = current.stream().filter(s -> s.lengthMillis() == shortest)
                .mapToLong(s -> s.index() * s.lengthMillis()).min().orElse(0);
        used.keySet().removeIf(k -> (k.index() + 1) * k.lengthMillis() < now);
    }

    private static Key key(String budget, Slot s) {
        return new Key(budget, s.lengthMillis(), s.index());
    }
}

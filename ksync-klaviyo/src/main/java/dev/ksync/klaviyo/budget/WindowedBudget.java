package dev.ksync.klaviyo.budget;

import dev.ksync.klaviyo.budget.BudgetStore.Slot;
import dev.ksync.klaviyo.error.KlaviyoException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call budget made of Klaviyo's fixed windows (burst, steady, daily), counted in a {@link BudgetStore}. Windows
 * fall on epoch-aligned boundaries, like Klaviyo's, and no window ever admits more than its limit <em>as Klaviyo
 * counts it</em>: Klaviyo counts a call when it arrives, up to one transit time after we send it, so a call sent
 * within that time of a window's end is counted in the next window too. The transit time is the longest recent
 * round trip (an upper bound on the arrival delay), capped at the shortest window; before any answer, the cap.
 * That is what keeps a burst sent at a window's end from overfilling the next one at Klaviyo (issue 10, item 8).
 * Thread-safe: parallel partitions share one budget.
 */
public final class WindowedBudget {
    /** The longest transit assumed (divided by the scale): one burst window, so a call counts in at most two. */
    static final Duration MAX_TRANSIT = Duration.ofSeconds(1);
    private static final int TRANSIT_SAMPLES = 32;

    private final String name;
    private final String key;
    private final Clock clock;
    private final BudgetStore store;
    private final int scale;
    private final long maxTransitMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] transits = new long[TRANSIT_SAMPLES];
    private int transitSamples;
    private int transitNext;
    private List<Window> windows;
    private Instant pausedUntil = Instant.MIN;

    public WindowedBudget(String name, List<Window> windows, Clock clock) {
        this(name, windows, clock, 1, BudgetStore.inMemory(), name);
    }

    /**
     * @param scale the sandbox's {@code scaled:N} factor the windows were divided by (1 for Klaviyo)
     * @param store where the counts live
     * @param key   the budget's key in the store: account fingerprint and operation, never an API key
     */
    public WindowedBudget(String name, List<Window> windows, Clock clock, int scale, BudgetStore store, String key) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1");
        this.scale = scale;
        this.name = Objects.requireNonNull(name, "name is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.store = Objects.requireNonNull(store, "store is null");
        this.key = Objects.requireNonNull(key, "key is null");
        this.maxTransitMillis = Math.max(1, MAX_TRANSIT.dividedBy(scale).toMillis());
        install(windows);
    }

    public String name() { return name; }

    public List<Window> windows() {
        lock.lock();
        try {
            return windows;
        } finally {
            lock.unlock();
        }
    }

    /** Calls still allowed in the current instance of {@code window} (0 or less after Klaviyo said we overspent). */
    public long available(Window window) {
        Slot now = slot(window, clock.millis());
        return window.limit() - store.used(key, now);
    }

    /**
     * What is left of the cap window (the reporting API's 225 a day) in its current instance.
     *
     * @param limit     the cap's calls per window
     * @param remaining calls still allowed (never negative)
     * @param resetsAt  when the current instance ends and the count starts afresh
     */
    public record CapLeft(int limit, int remaining, Instant resetsAt) {}

    /**
     * The longest cap window's count as the store holds it (every process's calls, with PostgreSQL); empty without a
     * cap. A cap is judged at Klaviyo's scale: a scaled budget's day is shorter than an hour but still its cap.
     */
    public Optional<CapLeft> capLeft() {
        Window cap = windows().stream().filter(w -> w.length().multipliedBy(scale).compareTo(Duration.ofHours(1)) >= 0)
                .max(Comparator.comparing(Window::length)).orElse(null);
        if (cap == null) return Optional.empty();
        Slot now = slot(cap, clock.millis());
        int used = store.used(key, now);
        return Optional.of(new CapLeft(cap.limit(), Math.max(0, cap.limit() - used), now.end()));
    }

    /**
     * Takes one call from every window it may be counted in, waiting (through {@code sleeper}) until all allow it.
     *
     * @return how long this call waited
     * @throws KlaviyoException.DailyCapReached when a cap window (≥ 1 h) is used up; nothing is waited
     * @throws KlaviyoException.RateLimited     when the wait would exceed {@code maxWait}
     */
    public Duration acquire(String operation, Sleeper sleeper, Duration maxWait) throws InterruptedException {
        Duration waited = Duration.ZERO;
        while (true) {
            Instant now = clock.instant();
            List<Slot> slots;
            Instant paused;
            lock.lock();
            try {
                paused = pausedUntil;
                slots = slotsAt(now.toEpochMilli(), transitMillis());
            } finally {
                lock.unlock();
            }
            Duration wait;
            Optional<Slot> full = Optional.empty();
            if (now.isBefore(paused)) {
                wait = Duration.between(now, paused);
            } else {
                full = store.take(key, slots);
                if (full.isEmpty()) return waited;
                wait = Duration.between(now, full.get().end());
                if (!wait.isPositive()) wait = Duration.ofMillis(1);
            }
            if (full.isPresent() && full.get().isCap()) {
                throw new KlaviyoException.DailyCapReached(operation, full.get().limit(), full.get().end());
            }
            if (waited.plus(wait).compareTo(maxWait) > 0) {
                throw new KlaviyoException.RateLimited(operation, null,
                        "local budget " + name + " needs a wait of " + wait.toSeconds() + " s", now.plus(wait));
            }
            sleeper.sleep(wait);
            waited = waited.plus(wait);
        }
    }

    /** Stops every call of this budget until {@code until} (a 429's Retry-After applies to all threads). */
    public void pauseUntil(Instant until) {
        lock.lock();
        try {
            if (until.isAfter(pausedUntil)) pausedUntil = until;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Learns from one answer: its round trip (the transit bound), the windows Klaviyo announces (adopted when they
     * differ from ours), and the calls Klaviyo says remain, which only ever lower ours (in-flight calls of ours may
     * not be counted there yet) and only when the call was sent and answered within one instance of that window,
     * so we know which one Klaviyo meant. A scaled budget keeps its own window lengths — a scaled sandbox can only
     * announce whole seconds — and matches {@code remaining} by limit.
     */
    public void observe(RateLimitHeaders headers, Instant sentAt, Instant answeredAt) {
        Window remainingIn = null;
        lock.lock();
        try {
            transits[transitNext] = Math.max(0, Duration.between(sentAt, answeredAt).toMillis());
            transitNext = (transitNext + 1) % TRANSIT_SAMPLES;
            transitSamples = Math.min(transitSamples + 1, TRANSIT_SAMPLES);
            List<Window> announced = headers.windows().stream().distinct().toList();
            if (scale == 1 && !announced.isEmpty() && !new HashSet<>(windows).containsAll(announced)) {
                install(announced);
            }
            if (headers.remainingWindow().isPresent() && headers.remaining().isPresent()) {
                int limit = headers.remainingWindow().get().limit();
                for (Window w : windows) {
                    if (w.limit() == limit && (remainingIn == null || w.length().compareTo(remainingIn.length()) < 0)) remainingIn = w;
                }
            }
        } finally {
            lock.unlock();
        }
        if (remainingIn == null) return;
        Slot sent = slot(remainingIn, sentAt.toEpochMilli());
        if (sent.equals(slot(remainingIn, answeredAt.toEpochMilli()))) {
            store.raiseTo(key, sent, remainingIn.limit() - headers.remaining().getAsInt());
        }
    }

    /** The longest of the recent round trips, capped; the cap until the first answer. Call under the lock. */
    private long transitMillis() {
        if (transitSamples == 0) return maxTransitMillis;
        long max = 0;
        for (int i = 0; i < transitSamples; i++) max = Math.max(max, transits[i]);
        return Math.min(max, maxTransitMillis);
    }

    /** Every window instance a call sent at {@code t} may be counted in, arriving by {@code t + transit}. */
    private List<Slot> slotsAt(long t, long transit) {
        List<Slot> slots = new ArrayList<>();
        for (Window w : windows) {
            Slot first = slot(w, t);
            slots.add(first);
            long last = Math.floorDiv(t + transit, first.lengthMillis());
            for (long i = first.index() + 1; i <= last; i++) slots.add(new Slot(first.lengthMillis(), i, w.limit()));
        }
        return slots;
    }

    private static Slot slot(Window w, long epochMillis) {
        long len = Math.max(1, w.length().toMillis());
        return new Slot(len, Math.floorDiv(epochMillis, len), w.limit());
    }

    /**
     * Switches to the given windows; a cap Klaviyo did not announce (the daily report cap), or announced higher than
     * ours (a cap configured below Klaviyo's), is kept. Counts stay.
     */
    private void install(List<Window> newWindows) {
        if (newWindows.isEmpty()) throw new IllegalArgumentException("a budget needs at least one window");
        List<Window> merged = new ArrayList<>(newWindows);
        for (int i = 0; windows != null && i < windows.size(); i++) {
            Window old = windows.get(i);
            if (!old.isCap()) continue;
            Optional<Window> same = newWindows.stream().filter(w -> w.length().equals(old.length())).findFirst();
            if (same.isEmpty()) {
                merged.add(old);
            } else if (same.get().limit() > old.limit()) {
                merged.set(merged.indexOf(same.get()), old);
            }
        }
        this.windows = List.copyOf(merged);
    }

    @Override public String toString() { return "WindowedBudget[" + name + " " + windows + "]"; }
}

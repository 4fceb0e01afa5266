package dev.ksync.klaviyo.budget;

import dev.ksync.klaviyo.error.KlaviyoException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call budget made of fixed windows (burst, steady, daily), one Bucket4j bucket per window so
 * each can follow Klaviyo's headers on its own. Windows refill all at once at wall-clock boundaries
 * (aligned to the epoch), like Klaviyo's fixed windows, so no window ever admits more than its limit.
 * Thread-safe: parallel partitions share one budget.
 */
public final class WindowedBudget {
    private final String name;
    private final Clock clock;
    private final TimeMeter meter;
    private final ReentrantLock lock = new ReentrantLock();
    private final int scale;
    private List<Window> windows;
    private List<Bucket> buckets;
    private Instant pausedUntil = Instant.MIN;

    public WindowedBudget(String name, List<Window> windows, Clock clock) {
        this(name, windows, clock, 1);
    }

    /**
     * @param scale the sandbox's {@code scaled:N} factor the windows were divided by (1 for Klaviyo)
     */
    public WindowedBudget(String name, List<Window> windows, Clock clock, int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1");
        this.scale = scale;
        this.name = Objects.requireNonNull(name, "name is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.meter = new ClockTimeMeter(clock);
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

    /** Calls still allowed in {@code window} right now (negative after Klaviyo said we overspent). */
    public long available(Window window) {
        lock.lock();
        try {
            int i = windows.indexOf(window);
            return i < 0 ? Long.MAX_VALUE : buckets.get(i).getAvailableTokens();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes one call from every window, waiting (through {@code sleeper}) until all allow it.
     *
     * @return how long this call waited
     * @throws KlaviyoException.DailyCapReached when a cap window (≥ 1 h) is used up; nothing is waited
     * @throws KlaviyoException.RateLimited     when the wait would exceed {@code maxWait}
     */
    public Duration acquire(String operation, Sleeper sleeper, Duration maxWait) throws InterruptedException {
        Duration waited = Duration.ZERO;
        while (true) {
            Duration wait;
            Window blocking = null;
            Instant now;
            lock.lock();
            try {
                now = clock.instant();
                if (now.isBefore(pausedUntil)) {
                    wait = Duration.between(now, pausedUntil);
                } else {
                    long nanos = 0;
                    for (int i = 0; i < buckets.size(); i++) {
                        EstimationProbe p = buckets.get(i).estimateAbilityToConsume(1);
                        if (!p.canBeConsumed() && p.getNanosToWaitForRefill() >= nanos) {
                            nanos = Math.max(1, p.getNanosToWaitForRefill());
                            blocking = windows.get(i);
                        }
                    }
                    if (blocking == null) {
                        buckets.forEach(b -> b.consumeIgnoringRateLimits(1));
                        return waited;
                    }
                    wait = Duration.ofNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
            if (blocking != null && blocking.isCap()) {
                throw new KlaviyoException.DailyCapReached(operation, blocking.limit(), now.plus(wait));
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
     * Follows Klaviyo's headers: adopts the windows it announces when they differ from ours, and
     * lowers a window to the calls Klaviyo says remain (never raises it: in-flight calls of ours
     * may not be counted there yet). A scaled budget keeps its own window lengths — a scaled
     * sandbox can only announce whole seconds — and matches {@code remaining} by limit.
     */
    public void observe(RateLimitHeaders headers) {
        lock.lock();
        try {
            List<Window> announced = headers.windows().stream().distinct().toList();
            if (scale == 1 && !announced.isEmpty() && !new HashSet<>(windows).containsAll(announced)) {
                install(announced);
            }
            if (headers.remainingWindow().isPresent() && headers.remaining().isPresent()) {
                int limit = headers.remainingWindow().get().limit();
                int i = -1;
                for (int j = 0; j < windows.size(); j++) {
                    if (windows.get(j).limit() == limit && (i < 0 || windows.get(j).length().compareTo(windows.get(i).length()) < 0)) i = j;
                }
                if (i >= 0) {
                    long excess = buckets.get(i).getAvailableTokens() - headers.remaining().getAsInt();
                    if (excess > 0) buckets.get(i).consumeIgnoringRateLimits(excess);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Switches to the given windows. A cap Klaviyo did not announce (the daily report cap, when only burst and
     * steady come) keeps its bucket; a re-announced window keeps the calls already spent in the current window.
     */
    private void install(List<Window> newWindows) {
        if (newWindows.isEmpty()) throw new IllegalArgumentException("a budget needs at least one window");
        Instant now = clock.instant();
        List<Window> merged = new ArrayList<>(newWindows);
        List<Bucket> newBuckets = new ArrayList<>();
        for (Window w : newWindows) {
            Bucket b = Bucket.builder().withCustomTimePrecision(meter)
                    .addLimit(l -> l.capacity(w.limit())
                            .refillIntervallyAligned(w.limit(), w.length(), nextBoundary(now, w.length())))
                    .build();
            long used = 0;
            for (int i = 0; windows != null && i < windows.size(); i++) {
                if (windows.get(i).length().equals(w.length())) {
                    used = Math.max(used, windows.get(i).limit() - buckets.get(i).getAvailableTokens());
                }
            }
            if (used > 0) b.consumeIgnoringRateLimits(Math.min(used, w.limit()));
            newBuckets.add(b);
        }
        for (int i = 0; windows != null && i < windows.size(); i++) {
            Window old = windows.get(i);
            if (old.isCap() && newWindows.stream().noneMatch(w -> w.length().equals(old.length()))) {
                merged.add(old);
                newBuckets.add(buckets.get(i));
            }
        }
        this.windows = List.copyOf(merged);
        this.buckets = List.copyOf(newBuckets);
    }

    /** The next multiple of {@code length} since the epoch: where a fixed window ends. */
    static Instant nextBoundary(Instant now, Duration length) {
        long len = length.toMillis();
        long ms = now.toEpochMilli();
        return Instant.ofEpochMilli((Math.floorDiv(ms, len) + 1) * len);
    }

    @Override public String toString() { return "WindowedBudget[" + name + " " + windows + "]"; }

    /** Bucket4j reads time from the injected clock, so tests move budgets by moving the clock. */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override public long currentTimeNanos() {
            Instant t = clock.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
        @Override public boolean isWallClockBased() { return true; }
    }
}

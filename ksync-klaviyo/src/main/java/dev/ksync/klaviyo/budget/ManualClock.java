package dev.ksync.klaviyo.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, shipped in main so every module's tests can drive
 * budgets and retries without sleeping. {@link #sleeper()} advances it instead of waiting.
 */
public final class ManualClock extends Clock {
    private final AtomicLong epochNanos;

    public ManualClock(Instant start) {
        this.epochNanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
    }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("UTC only"); }

    @Override
    public Instant instant() {
        long n = epochNanos.get();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    public void advance(Duration d) {
        epochNanos.addAndGet(d.toNanos());
    }

    /** A sleeper that advances this clock by the requested duration and returns at once. */
    public Sleeper sleeper() {
        return d -> { if (d.isPositive()) advance(d); };
    }
}

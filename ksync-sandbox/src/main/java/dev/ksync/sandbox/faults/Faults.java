package dev.ksync.sandbox.faults;

import dev.ksync.sandbox.FaultKind;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Decides which answers fail. Faults switched on explicitly (for the next N requests) come first;
 * otherwise a seeded fraction p of answers fails, and a 429 comes as a short burst, as a stressed
 * Klaviyo does.
 */
public final class Faults {
    private final double probability;
    private final SplittableRandom random;
    private final Deque<FaultKind> forced = new ArrayDeque<>();

    public Faults(long seed, double probability) {
        this.probability = probability;
        this.random = new SplittableRandom(seed ^ 0x5EED_FA17L);
    }

    public synchronized void inject(FaultKind kind, int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        for (int i = 0; i < count; i++) forced.addLast(kind);
    }

    public synchronized void clear() { forced.clear(); }

    /** The fault for the next API answer, or null to answer normally. */
    public synchronized FaultKind next() {
        if (!forced.isEmpty()) return forced.pollFirst();
        // A 429 starts a burst of three; start failures a little less often so that about a
        // fraction p of all answers fails (0.4 of the starts add two more answers: p / 1.8).
        if (probability <= 0 || random.nextDouble() >= probability / 1.8) return null;
        double u = random.nextDouble();
        if (u < 0.4) {
            forced.addLast(FaultKind.THROTTLE_429);
            forced.addLast(FaultKind.THROTTLE_429);
            return FaultKind.THROTTLE_429;
        }
        if (u < 0.5) return FaultKind.ERROR_500;
        if (u < 0.6) return FaultKind.BAD_GATEWAY_502;
        if (u < 0.8) return FaultKind.UNAVAILABLE_503;
        if (u < 0.9) return FaultKind.SLOW;
        return FaultKind.CUT;
    }
}

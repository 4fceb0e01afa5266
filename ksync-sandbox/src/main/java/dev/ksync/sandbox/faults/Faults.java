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
    /** A forced fault, for any operation ({@code operation} null) or for one operation id only. */
    private record Forced(FaultKind kind, String operation) {}

    private final Deque<Forced> forced = new ArrayDeque<>();

    public Faults(long seed, double probability) {
        this.probability = probability;
        this.random = new SplittableRandom(seed ^ 0x5EED_FA17L);
    }

    public synchronized void inject(FaultKind kind, int count) {
        inject(kind, count, null);
    }

    /** The next {@code count} answers of {@code operation} (every operation when null) fail with {@code kind}. */
    public synchronized void inject(FaultKind kind, int count, String operation) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        for (int i = 0; i < count; i++) forced.addLast(new Forced(kind, operation));
    }

    public synchronized void clear() { forced.clear(); }

    /** The fault for the next API answer, or null to answer normally. */
    public synchronized FaultKind next() {
        return next(null);
    }

    /** The fault for the next answer of {@code operation}: the first forced one aimed at it (or at any), else random. */
    public synchronized FaultKind next(String operation) {
        for (var it = forced.iterator(); it.hasNext(); ) {
            Forced f = it.next();
            if (f.operation() == null || f.operation().equals(operation)) {
                it.remove();
                return f.kind();
            }
        }
        // A 429 starts a burst of three; start failures a little less often so that about a
        // fraction p of all answers fails (0.4 of the starts add two more answers: p / 1.8).
        if (probability <= 0 || random.nextDouble() >= probability / 1.8) return null;
        double u = random.nextDouble();
        if (u < 0.4) {
            forced.addLast(new Forced(FaultKind.THROTTLE_429, null));
            forced.addLast(new Forced(FaultKind.THROTTLE_429, null));
            return FaultKind.THROTTLE_429;
        }
        if (u < 0.5) return FaultKind.ERROR_500;
        if (u < 0.6) return FaultKind.BAD_GATEWAY_502;
        if (u < 0.8) return FaultKind.UNAVAILABLE_503;
        if (u < 0.9) return FaultKind.SLOW;
        return FaultKind.CUT;
    }
}

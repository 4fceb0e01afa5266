package dev.ksync.klaviyo.budget;

import java.time.Duration;

/** Waits. Injected so tests drive time instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** The real one. */
    static Sleeper system() {
        return d -> {
            if (!d.isNegative() && !d.isZero()) Thread.sleep(d);
        };
    }
}

package dev.ksync.klaviyo.budget;

import java.time.Duration;
import java.util.Objects;

/** One fixed rate-limit window: at most {@code limit} calls per {@code length}. */
public record Window(int limit, Duration length) {
    public Window {
        Objects.requireNonNull(length, "length is null");
        if (limit < 1 || !length.isPositive()) throw new IllegalArgumentException("invalid window " + limit + "/" + length);
    }

    /** Windows of an hour or more are caps to report, not waits to sit out (the 225/day report cap). */
    public boolean isCap() {
        return length.compareTo(Duration.ofHours(1)) >= 0;
    }

    @Override public String toString() { return limit + "/" + length.toSeconds() + "s"; }
}

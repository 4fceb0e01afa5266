package dev.ksync.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal (never in logs or pipes). With a known
 * total it draws {@code [#####-----]  45%  450/1000}; without one, a running count.
 */
final class Progress implements LongConsumer {
    private static final Duration EVERY = Duration.ofMillis(200);
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private long total;
    private final boolean enabled;
    private final Clock clock;
    private Instant lastDraw = Instant.MIN;
    private long last;

    /** @param total the expected count, or 0 when unknown */
    Progress(String label, long total) {
        this(label, total, Clock.systemUTC());
    }

    Progress(String label, long total, Clock clock) {
        this.clock = clock;
        this.err = System.err;
        this.label = label;
        this.total = total;
        this.enabled = isTerminal();
    }

    /** The expected count, once known (a sync's plan tells it after the first calls). */
    void total(long expected) {
        total = expected;
    }

    @Override
    public void accept(long count) {
        last = count;
        Instant now = clock.instant();
        if (enabled && now.isAfter(lastDraw.plus(EVERY))) {
            lastDraw = now;
            err.print("\r" + line(count));
            err.flush();
        }
    }

    void done() {
        if (enabled) {
            err.println("\r" + line(last) + " done");
        }
    }

    String line(long count) {
        if (total <= 0) {
            return label + ": " + count;
        }
        long shown = Math.min(count, total);
        int filled = (int) (WIDTH * shown / total);
        return String.format("%s [%s%s] %3d%%  %d/%d", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                100 * shown / total, count, total);
    }

    /** Console.isTerminal() exists from Java 22; on 21 a non-null console means a terminal. */
    private static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}

package dev.ksync.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/** A one-line progress counter on stderr, shown only when stderr is a terminal (never in logs or pipes). */
final class Progress implements LongConsumer {
    private static final long EVERY_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String label;
    private final boolean enabled;
    private long lastDraw;
    private long last;

    Progress(String label) {
        this.err = System.err;
        this.label = label;
        this.enabled = isTerminal();
    }

    @Override
    public void accept(long count) {
        last = count;
        long now = System.nanoTime();
        if (enabled && now - lastDraw > EVERY_NANOS) {
            lastDraw = now;
            err.print("\r" + label + ": " + count);
            err.flush();
        }
    }

    void done() {
        if (enabled) {
            err.println("\r" + label + ": " + last + " done");
        }
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

package dev.ksync.cli;

import dev.ksync.klaviyo.endpoint.RateTier;
import dev.ksync.orchestrator.UpdateProgress;
import java.io.Console;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Progress on stderr: a one-line bar redrawn in place when stderr is a terminal; otherwise (a pipe, a log file) a
 * plain line at each tenth of a known total, and every {@link #PLAIN_EVERY} while the count moves, so a piped run
 * shows it is alive. With a known total it reads {@code [#####-----]  45%  450/1000}; without one, a running count.
 * Report syncs add an ETA from their plan: the calls left times the report endpoints' pace ({@link #reportCalls}).
 */
final class Progress implements LongConsumer {
    private static final Duration EVERY = Duration.ofMillis(200);
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private long total;
    private final boolean enabled;
    private final Clock clock;
    private Instant lastDraw = Instant.MIN;
    private Instant lastPlain;
    private long plainTenth = -1;
    private long plainShown = -1;
    private long last;
    private Duration perItem = Duration.ZERO;

    /** @param total the expected count, or 0 when unknown */
    Progress(String label, long total) {
        this(label, total, Clock.systemUTC());
    }

    Progress(String label, long total, Clock clock) {
        this(label, total, clock, System.err, isTerminal());
    }

    /** @param terminal whether {@code err} is a terminal (a bar redrawn in place) or not (plain lines) */
    Progress(String label, long total, Clock clock, PrintStream err, boolean terminal) {
        this.clock = clock;
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = terminal;
    }

    /**
     * A bar over a report sync's planned calls with an ETA: Klaviyo's report endpoints allow 2 calls a minute, so
     * each call left costs 30 s (divided by {@code KLAVIYO_RATE_SCALE}, as the budgets are).
     */
    static Progress reportCalls(int rateScale) {
        Progress p = new Progress("report calls", 0);
        p.perItem = reportPace(rateScale);
        return p;
    }

    static Duration reportPace(int rateScale) {
        return Duration.ofMinutes(1).dividedBy(RateTier.REPORTS.steadyPerMinute()).dividedBy(Math.max(1, rateScale));
    }

    /** Shows an ETA of (total − count) × {@code each}. */
    Progress withEta(Duration each) {
        this.perItem = each;
        return this;
    }

    /** The expected count, once known (a sync's plan tells it after the first calls). */
    void total(long expected) {
        total = expected;
    }

    @Override
    public void accept(long count) {
        last = count;
        Instant now = clock.instant();
        if (!enabled) {
            plain(count, now);
        } else if (now.isAfter(lastDraw.plus(EVERY))) {
            lastDraw = now;
            err.print("\r" + line(count));
            err.flush();
        }
    }

    private void plain(long count, Instant now) {
        long tenth = total > 0 ? 10 * Math.min(count, total) / total : -1;
        boolean step = tenth > plainTenth;
        boolean due = lastPlain == null || !now.isBefore(lastPlain.plus(PLAIN_EVERY));
        if (step || (due && count != plainShown)) {
            err.println(line(count));
            err.flush();
            lastPlain = now;
            plainTenth = Math.max(plainTenth, tenth);
            plainShown = count;
        }
    }

    /**
     * A message on a line of its own while the bar is up: on a terminal the bar's line is cleared first (else the
     * message would run on from the bar) and redrawn at the next count.
     */
    void say(String message) {
        if (enabled && !lastDraw.equals(Instant.MIN)) {
            err.print("\r" + " ".repeat(line(last).length()) + "\r");
            lastDraw = Instant.MIN;
        }
        err.println(message);
        err.flush();
    }

    void done() {
        if (enabled) {
            err.println("\r" + line(last) + " done");
        } else if (last != plainShown) {
            err.println(line(last));
        }
    }

    String line(long count) {
        if (total <= 0) {
            return label + ": " + count;
        }
        long shown = Math.min(count, total);
        int filled = (int) (WIDTH * shown / total);
        String bar = String.format("%s [%s%s] %3d%%  %d/%d", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                100 * shown / total, count, total);
        return perItem.isZero() ? bar : bar + "  ETA " + eta(perItem.multipliedBy(total - shown));
    }

    /** {@code 3m30s}, {@code 45s}, {@code 1h02m}. */
    static String eta(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        if (s >= 3600) return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        if (s >= 60) return String.format("%dm%02ds", s / 60, s % 60);
        return s + "s";
    }

    /** Console.isTerminal() exists from Java 22; on 21 a non-null console means a terminal. */
    static boolean isTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** An update's bars, one per producer (flows, campaigns, subscribers), each appearing when it starts. */
    static final class UpdateBars implements UpdateProgress {
        private final Map<String, Progress> bars = new ConcurrentHashMap<>();

        @Override
        public void expect(String producer, long total) {
            bars.put(producer, new Progress(producer, total));
        }

        @Override
        public void progress(String producer, long count) {
            bars.computeIfAbsent(producer, p -> new Progress(p, 0)).accept(count);
        }

        /** Closes every bar (the update has answered). */
        void done() {
            bars.values().forEach(Progress::done);
        }
    }
}

package dev.ksync.cli;

import dev.ksync.klaviyo.endpoint.RateTier;
import dev.ksync.orchestrator.UpdateProgress;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal (never in logs or pipes). With a known
 * total it draws {@code [#####-----]  45%  450/1000}; without one, a running count. Report syncs add an ETA from
 * their plan: the calls left times the report endpoints' pace ({@link #reportCalls}).
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
    private Duration perItem = Duration.ZERO;

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

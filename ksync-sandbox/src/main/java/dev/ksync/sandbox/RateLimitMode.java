package dev.ksync.sandbox;

import java.util.Locale;

/**
 * How the sandbox enforces Klaviyo's rate limits: the spec's real values, none at all, or the real
 * counts with every window divided by {@code factor} (so "1 minute" becomes 60/N seconds and
 * rate-limit behaviour can be tested in seconds).
 */
public record RateLimitMode(Kind kind, int factor) {

    public enum Kind { REAL, OFF, SCALED }

    public static final RateLimitMode REAL = new RateLimitMode(Kind.REAL, 1);
    public static final RateLimitMode OFF = new RateLimitMode(Kind.OFF, 1);

    public RateLimitMode {
        if (kind == null) throw new IllegalArgumentException("kind is null");
        if (factor < 1) throw new IllegalArgumentException("factor must be >= 1, got " + factor);
        if (kind != Kind.SCALED && factor != 1) throw new IllegalArgumentException("only scaled mode takes a factor");
    }

    public static RateLimitMode scaled(int factor) {
        return new RateLimitMode(Kind.SCALED, factor);
    }

    /** Parses {@code real}, {@code off} or {@code scaled:N} (N a positive integer). */
    public static RateLimitMode parse(String text) {
        String allowed = "allowed values: real, off, scaled:N (N a positive integer, e.g. scaled:60)";
        if (text == null || text.isBlank()) throw new IllegalArgumentException("rate-limits is empty; " + allowed);
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("real")) return REAL;
        if (t.equals("off")) return OFF;
        if (t.startsWith("scaled:")) {
            try {
                int n = Integer.parseInt(t.substring("scaled:".length()));
                if (n >= 1) return scaled(n);
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("invalid rate-limits '" + text + "'; " + allowed);
    }

    /** A window of {@code seconds} real seconds, as this mode enforces it, in milliseconds. */
    public long windowMillis(long seconds) {
        return Math.max(1, seconds * 1000 / factor);
    }

    @Override
    public String toString() {
        return kind == Kind.SCALED ? "scaled:" + factor : kind.name().toLowerCase(Locale.ROOT);
    }
}

package dev.ksync.klaviyo.endpoint;

/**
 * One of Klaviyo's rate tiers: two fixed windows (1 s burst, 60 s steady) and, for the
 * reporting endpoints, a daily cap. Values are the spec's {@code x-klaviyo-ratelimit}.
 *
 * @param dailyLimit calls per day, or 0 when the tier has no daily cap
 */
public record RateTier(String name, int burstPerSecond, int steadyPerMinute, int dailyLimit) {
    public static final RateTier XS = new RateTier("XS", 1, 15, 0);
    public static final RateTier S = new RateTier("S", 3, 60, 0);
    public static final RateTier M = new RateTier("M", 10, 150, 0);
    public static final RateTier L = new RateTier("L", 75, 750, 0);
    public static final RateTier XL = new RateTier("XL", 350, 3500, 0);
    /** Reporting API: 1/s, 2/min and 225 per day per account. */
    public static final RateTier REPORTS = new RateTier("REPORTS", 1, 2, 225);

    public RateTier {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name is blank");
        if (burstPerSecond < 1 || steadyPerMinute < 1 || dailyLimit < 0) {
            throw new IllegalArgumentException("invalid rate tier " + name);
        }
    }

    public boolean hasDailyCap() {
        return dailyLimit > 0;
    }

    /** The same tier with other limits, e.g. those announced by {@code ratelimit-limit} headers. */
    public RateTier withLimits(int burst, int steady, int daily) {
        return new RateTier(name, burst, steady, daily);
    }
}

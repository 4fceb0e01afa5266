package dev.ksync.sandbox.limits;

/** A Klaviyo rate-limit tier: requests per second (burst), per minute (steady) and, for reports, per day. */
public record Tier(String name, int burstPerSecond, int steadyPerMinute, int dailyLimit) {
    public static final Tier XS = new Tier("XS", 1, 15, 0);
    public static final Tier S = new Tier("S", 3, 60, 0);
    public static final Tier M = new Tier("M", 10, 150, 0);
    public static final Tier L = new Tier("L", 75, 750, 0);
    public static final Tier XL = new Tier("XL", 350, 3500, 0);
    /** Reporting endpoints: 1/s, 2/m and 225 a day. */
    public static final Tier REPORTS = new Tier("REPORTS", 1, 2, 225);

    public boolean hasDaily() { return dailyLimit > 0; }
}

package dev.ksync.klaviyo.report;

/**
 * A report request Klaviyo would answer with 400, refused before any call (report calls have a daily cap of 225).
 * {@link #rule()} is the spec's wording of the limit it breaks.
 */
public final class ReportRefused extends IllegalArgumentException {
    private final String rule;

    public ReportRefused(String rule, String subject) {
        super("Klaviyo would refuse this report: " + rule + " (" + subject + "). Shorten or split the timeframe, or pick a coarser interval.");
        this.rule = rule;
    }

    public String rule() { return rule; }
}

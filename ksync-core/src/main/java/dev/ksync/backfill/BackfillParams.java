package dev.ksync.backfill;

import dev.ksync.error.KsyncException;

/**
 * What a backfill covers: {@code years} back to yesterday (or, in test mode, the 7 days ending yesterday), with or
 * without the Placed Order events.
 */
public record BackfillParams(int years, boolean includeOrders, boolean testMode) {
    public static final int MAX_YEARS = 10;
    public static final int TEST_DAYS = 7;

    public BackfillParams {
        if (years < 1 || years > MAX_YEARS) {
            throw KsyncException.badInput("years", years, "a whole number of years from 1 to " + MAX_YEARS);
        }
    }

    public static BackfillParams defaults() {
        return new BackfillParams(1, true, false);
    }
}

package dev.ksync.snapshot;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One flow's or campaign's day in a snapshot's files, summed over its rows (messages): what the dashboard's top
 * lists rank on (table snapshot_tops).
 *
 * @param kind    "flow" (flows.csv) or "campaign" (campaigns.csv)
 * @param name    the name on the item's last row of the day; null when the file has no name column
 * @param revenue the exact sum of the Revenue cells, unrounded (the dashboard rounds a range's sum to cents)
 */
record TopRow(String kind, String itemId, LocalDate day, String name, long delivered, long opens, long clicks,
        long orders, BigDecimal revenue) {

    /** The kind of item a mail file's rows are about. */
    static String kind(Source source) {
        return switch (source) {
            case FLOWS -> "flow";
            case CAMPAIGNS -> "campaign";
            case ALL -> throw new IllegalArgumentException("no items in " + source);
        };
    }
}

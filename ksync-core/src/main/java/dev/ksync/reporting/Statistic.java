package dev.ksync.reporting;

import dev.ksync.csv.CsvValues;
import java.util.List;

/**
 * The one table from Klaviyo report statistics to CSV columns, shared by flows.csv and campaigns.csv: the column
 * header, the statistic Klaviyo computes it as, and how its number is written (counts as integers, rates as
 * fractions with at most 6 decimals, money with 2 decimals). Declaration order is column order.
 */
public enum Statistic {
    RECIPIENTS("Recipients", "recipients", Kind.COUNT),
    DELIVERED("Delivered", "delivered", Kind.COUNT),
    UNIQUE_OPENS("Unique Opens", "opens_unique", Kind.COUNT),
    OPEN_RATE("Open Rate", "open_rate", Kind.RATE),
    UNIQUE_CLICKS("Unique Clicks", "clicks_unique", Kind.COUNT),
    CLICK_RATE("Click Rate", "click_rate", Kind.RATE),
    PLACED_ORDER("Placed Order", "conversion_uniques", Kind.COUNT),
    PLACED_ORDER_RATE("Placed Order Rate", "conversion_rate", Kind.RATE),
    REVENUE("Revenue", "conversion_value", Kind.MONEY),
    REVENUE_PER_RECIPIENT("Revenue per Recipient", "revenue_per_recipient", Kind.MONEY),
    UNSUBSCRIBES("Unsubscribes", "unsubscribe_uniques", Kind.COUNT),
    UNSUB_RATE("Unsub Rate", "unsubscribe_rate", Kind.RATE),
    SPAM_COMPLAINTS("Spam Complaints", "spam_complaints", Kind.COUNT),
    COMPLAINT_RATE("Complaint Rate", "spam_complaint_rate", Kind.RATE),
    BOUNCES("Bounces", "bounced", Kind.COUNT),
    BOUNCE_RATE("Bounce Rate", "bounce_rate", Kind.RATE);

    public enum Kind { COUNT, RATE, MONEY }

    /** flows.csv's statistic columns, in header order. */
    public static final List<Statistic> FLOW_COLUMNS = List.of(DELIVERED, UNIQUE_OPENS, OPEN_RATE, UNIQUE_CLICKS,
            CLICK_RATE, PLACED_ORDER, PLACED_ORDER_RATE, REVENUE, REVENUE_PER_RECIPIENT, UNSUB_RATE, COMPLAINT_RATE,
            BOUNCE_RATE);
    /** campaigns.csv's statistic columns, in header order: every statistic. */
    public static final List<Statistic> CAMPAIGN_COLUMNS = List.of(values());

    private final String header;
    private final String klaviyoName;
    private final Kind kind;

    Statistic(String header, String klaviyoName, Kind kind) {
        this.header = header;
        this.klaviyoName = klaviyoName;
        this.kind = kind;
    }

    public String header() { return header; }

    /** The name in a report request's {@code statistics} and its answer. */
    public String klaviyoName() { return klaviyoName; }

    public Kind kind() { return kind; }

    /** The cell for a value; null (Klaviyo sent none) is an empty cell. */
    public String format(Double value) {
        if (value == null) return "";
        return switch (kind) {
            case COUNT -> CsvValues.number((double) Math.round(value));
            case RATE -> CsvValues.rate(value);
            case MONEY -> CsvValues.money(value);
        };
    }

    public static List<String> klaviyoNames(List<Statistic> stats) {
        return stats.stream().map(Statistic::klaviyoName).toList();
    }
}

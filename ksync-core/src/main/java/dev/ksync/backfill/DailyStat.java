package dev.ksync.backfill;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/**
 * One message's statistics on one day, a row of backfill_campaign_daily or backfill_flow_daily ({@code parentId} is
 * the campaign or the flow). {@code conversions} are Klaviyo's conversion_uniques (placed orders),
 * {@code conversionValue} the revenue.
 */
record DailyStat(LocalDate day, String parentId, String messageId, String channel, Long recipients, Long delivered,
                 Long opensUnique, Long clicksUnique, Long conversions, Long unsubscribes, Long spamComplaints,
                 Long bounced, BigDecimal conversionValue) {
    /** Klaviyo's statistic names, in the order of the columns. */
    static final List<String> STATISTICS = List.of("recipients", "delivered", "opens_unique",
            "clicks_unique", "conversion_uniques", "unsubscribe_uniques", "spam_complaints", "bounced",
            "conversion_value");

    static DailyStat of(LocalDate day, String parentId, String messageId, String channel,
                        Function<String, Double> stat) {
        return new DailyStat(day, parentId, messageId, channel, count(stat.apply("recipients")),
                count(stat.apply("delivered")), count(stat.apply("opens_unique")), count(stat.apply("clicks_unique")),
                count(stat.apply("conversion_uniques")), count(stat.apply("unsubscribe_uniques")),
                count(stat.apply("spam_complaints")), count(stat.apply("bounced")),
                stat.apply("conversion_value") == null ? null
                        : BigDecimal.valueOf(stat.apply("conversion_value")).setScale(2, RoundingMode.HALF_UP));
    }

    /** True when any statistic is above zero: inactive message-days are not stored. */
    boolean active() {
        return positive(recipients) || positive(delivered) || positive(opensUnique) || positive(clicksUnique)
                || positive(conversions) || positive(unsubscribes) || positive(spamComplaints) || positive(bounced)
                || (conversionValue != null && conversionValue.signum() > 0);
    }

    private static boolean positive(Long v) {
        return v != null && v > 0;
    }

    private static Long count(Double v) {
        return v == null ? null : Math.round(v);
    }
}

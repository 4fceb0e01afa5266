package dev.ksync.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * The sums of one source's series and its rates, each weighted by delivered (sum of opens / sum of delivered:
 * a day with more mail weighs more; an average of daily rates would not). A rate is empty when its whole is 0.
 * The bounce rate is Klaviyo's: bounces / recipients (delivered + bounced), as in the CSVs' Bounce Rate.
 *
 * @param subscribersTotal the running total on the series' last day
 */
public record Totals(Source source, int days, Counts counts, Optional<Long> newSubscribers,
        Optional<Long> subscribersTotal, Optional<BigDecimal> openRate, Optional<BigDecimal> clickRate,
        Optional<BigDecimal> placedOrderRate, Optional<BigDecimal> revenuePerRecipient,
        Optional<BigDecimal> unsubRate, Optional<BigDecimal> complaintRate, Optional<BigDecimal> bounceRate) {

    /** The totals of {@code rows}, all of {@code source}, in day order. */
    public static Totals of(Source source, List<SeriesRow> rows) {
        Counts sum = Counts.ZERO;
        long newSubs = 0;
        Optional<Long> last = Optional.empty();
        for (SeriesRow r : rows) {
            sum = sum.plus(r.counts());
            newSubs += r.newSubscribers().orElse(0L);
            if (r.subscribersTotal().isPresent()) {
                last = r.subscribersTotal();
            }
        }
        long d = sum.delivered();
        boolean subs = source == Source.ALL;
        return new Totals(source, rows.size(), sum, subs ? Optional.of(newSubs) : Optional.empty(),
                subs ? last.or(() -> Optional.of(0L)) : Optional.empty(), rate(sum.uniqueOpens(), d),
                rate(sum.uniqueClicks(), d), rate(sum.placedOrders(), d),
                d == 0 ? Optional.empty() : Optional.of(sum.revenue().divide(BigDecimal.valueOf(d), 2, RoundingMode.HALF_UP)),
                rate(sum.unsubscribes(), d), rate(sum.complaints(), d),
                rate(sum.bounces(), d + sum.bounces()));
    }

    private static Optional<BigDecimal> rate(long part, long whole) {
        return whole == 0 ? Optional.empty()
                : Optional.of(BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 6, RoundingMode.HALF_UP));
    }
}

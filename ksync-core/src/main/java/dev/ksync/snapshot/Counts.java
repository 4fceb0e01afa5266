package dev.ksync.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** What a day (or a whole series) of e-mail sums to; every count is whole, revenue has 2 decimals. */
public record Counts(long delivered, long uniqueOpens, long uniqueClicks, long placedOrders, BigDecimal revenue,
        long unsubscribes, long complaints, long bounces) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, BigDecimal.ZERO.setScale(2), 0, 0, 0);

    public Counts {
        Objects.requireNonNull(revenue, "revenue is null");
        revenue = revenue.setScale(2, RoundingMode.HALF_UP);
    }

    public Counts plus(Counts o) {
        return new Counts(delivered + o.delivered, uniqueOpens + o.uniqueOpens, uniqueClicks + o.uniqueClicks,
                placedOrders + o.placedOrders, revenue.add(o.revenue), unsubscribes + o.unsubscribes,
                complaints + o.complaints, bounces + o.bounces);
    }
}

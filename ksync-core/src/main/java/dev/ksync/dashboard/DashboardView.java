package dev.ksync.dashboard;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What the dashboard shows for one account and range. The daily series is columnar (one array per measure, index =
 * day), the shape a chart takes as it is.
 *
 * @param currency       ISO 4217 code the revenue is in; {@code currencySource} says where it came from
 *                       ("account": Klaviyo's preferred_currency as the newest update read it, "backfill": the
 *                       backfill's orders, "default": USD when nothing has told us)
 * @param dataSnapshot   the newest ready snapshot, whose series the dashboard reads (empty when there is none)
 * @param latestSnapshot the newest snapshot in any status (it may be running or failed)
 * @param enabled        whether the nightly updates the account; {@code nextRun} is empty when it does not
 */
public record DashboardView(String accountId, String name, String timezone, String currency, String currencySource,
        LocalDate start, LocalDate end, Series series, Totals totals, Top topFlows, Top topCampaigns,
        Optional<SnapshotInfo> dataSnapshot, Optional<SnapshotInfo> latestSnapshot, boolean backfill,
        boolean enabled, Optional<NextRun> nextRun) {

    /** Per day of the range: mail measures for flows, campaigns and both; subscriber counts. */
    public record Series(List<LocalDate> days, Measures flows, Measures campaigns, Measures all,
            List<Long> newSubscribers, List<Long> subscribersTotal) {}

    public record Measures(List<Long> delivered, List<Long> opens, List<Long> clicks, List<Long> orders,
            List<BigDecimal> revenue) {}

    /** Sums over the range; rates are weighted by delivered (sum opens / sum delivered), empty when nothing was. */
    public record SourceTotals(long delivered, long opens, long clicks, long orders, BigDecimal revenue,
            Optional<BigDecimal> openRate, Optional<BigDecimal> clickRate, Optional<BigDecimal> orderRate,
            Optional<BigDecimal> revenuePerRecipient) {}

    public record Totals(SourceTotals flows, SourceTotals campaigns, SourceTotals all, long newSubscribers,
            long subscribersTotal) {}

    /** The flows or campaigns with most revenue in the range; {@code source} "backfill", "snapshot" or "none". */
    public record Top(String source, List<TopItem> items) {}

    public record TopItem(String id, String name, long delivered, long opens, long clicks, long orders,
            BigDecimal revenue) {}

    public record SnapshotInfo(long id, String status, Instant createdAt, Instant updatedAt, Optional<String> error,
            List<String> files) {}

    /** The nightly schedule's next run (UTC) and its cron. */
    public record NextRun(String schedule, Instant at, String cron) {}
}

package dev.ksync.klaviyo;

import dev.ksync.klaviyo.paging.Slice;
import java.time.Instant;
import java.util.List;

/**
 * Partitioned paging: [from, to) is cut into {@code slices} time slices paged in parallel.
 * For profiles {@code from}/{@code to} may be null: from = the oldest profile's {@code created}
 * (one extra call), to = now.
 *
 * @param slices how many slices; more slices than parallel workers keeps every worker busy when
 *               data is unevenly spread (0 = 4 × the concurrency)
 */
public record Partitioning(Instant from, Instant to, int slices) {
    public Partitioning {
        if (slices < 0) throw new IllegalArgumentException("slices must be >= 0");
        if (from != null && to != null && !to.isAfter(from)) throw new IllegalArgumentException("empty range");
    }

    public static Partitioning auto() {
        return new Partitioning(null, null, 0);
    }

    public static Partitioning between(Instant from, Instant to) {
        return new Partitioning(from, to, 0);
    }

    public Partitioning withSlices(int n) {
        return new Partitioning(from, to, n);
    }

    /**
     * The [from, to) bounds of {@code n} slices exactly as {@link KlaviyoClient#list} cuts an explicit range, so a
     * caller can tell which slice a record came from.
     */
    public static List<Instant[]> split(Instant from, Instant to, int n) {
        return Slice.split(from, to, n);
    }
}

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
 * @param halves whether a worker that no slice is left for takes half of the running slice with the most pages
 *               left (unordered listings only; each slice then pages in ascending order): the load's end pages at
 *               the budget's pace instead of on its last few cursors. Records then come from more slices than
 *               {@code slices}, each from one, in no fixed order within a slice's range: not for a caller that
 *               keeps each slice's records in order apart ({@link #split})
 */
public record Partitioning(Instant from, Instant to, int slices, boolean halves) {
    public Partitioning {
        if (slices < 0) throw new IllegalArgumentException("slices must be >= 0");
        if (from != null && to != null && !to.isAfter(from)) throw new IllegalArgumentException("empty range");
    }

    public Partitioning(Instant from, Instant to, int slices) {
        this(from, to, slices, false);
    }

    public static Partitioning auto() {
        return new Partitioning(null, null, 0);
    }

    public static Partitioning between(Instant from, Instant to) {
        return new Partitioning(from, to, 0);
    }

    public Partitioning withSlices(int n) {
        return new Partitioning(from, to, n, halves);
    }

    /** This partitioning with running slices halved for idle workers ({@code halves}). */
    public Partitioning halving() {
        return new Partitioning(from, to, slices, true);
    }

    /**
     * The [from, to) bounds of {@code n} slices exactly as {@link KlaviyoClient#list} cuts an explicit range, so a
     * caller can tell which slice a record came from.
     */
    public static List<Instant[]> split(Instant from, Instant to, int n) {
        return Slice.split(from, to, n);
    }
}

package dev.ksync.klaviyo.paging;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One time slice [from, to) of a partitioned listing, with the URL of its first page. A record
 * belongs to exactly one slice — the one whose range holds its timestamp — which is how the merge
 * stays free of duplicates even where filters must overlap.
 *
 * @param openEnded the URL has no upper bound (the endpoint has none on the field): it pages in
 *                  ascending order and the slice ends at its first record past {@code to}
 */
public record Slice(String label, Instant from, Instant to, URI first, boolean openEnded) {
    public Slice {
        Objects.requireNonNull(from, "from is null");
        Objects.requireNonNull(to, "to is null");
        if (!to.isAfter(from)) throw new IllegalArgumentException("empty slice " + from + ".." + to);
    }

    public Slice(String label, Instant from, Instant to, URI first) {
        this(label, from, to, first, false);
    }

    public boolean owns(Instant t) {
        return t != null && !t.isBefore(from) && t.isBefore(to);
    }

    /** [from, to) cut into {@code n} consecutive ranges of (nearly) equal length, on whole seconds. */
    public static List<Instant[]> split(Instant from, Instant to, int n) {
        if (!to.isAfter(from)) throw new IllegalArgumentException("empty range " + from + ".." + to);
        long start = from.getEpochSecond();
        long end = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
        long span = Math.max(1, end - start);
        int parts = (int) Math.max(1, Math.min(n, span));
        List<Instant[]> out = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            Instant a = i == 0 ? from : Instant.ofEpochSecond(start + span * i / parts);
            Instant b = i == parts - 1 ? to : Instant.ofEpochSecond(start + span * (i + 1) / parts);
            if (b.isAfter(a)) out.add(new Instant[] {a, b});
        }
        return out;
    }
}

package dev.ksync.snapshot;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * One day of one source. Subscriber counts exist only for {@link Source#ALL}: profiles created that day (account
 * timezone) and all profiles created up to and including it.
 */
public record SeriesRow(LocalDate day, Source source, Counts counts, Optional<Long> newSubscribers,
        Optional<Long> subscribersTotal) {
    public SeriesRow {
        Objects.requireNonNull(day, "day is null");
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(counts, "counts is null");
        Objects.requireNonNull(newSubscribers, "newSubscribers is null");
        Objects.requireNonNull(subscribersTotal, "subscribersTotal is null");
    }
}

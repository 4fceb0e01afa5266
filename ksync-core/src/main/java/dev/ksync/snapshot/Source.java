package dev.ksync.snapshot;

import java.util.Locale;

/** Which CSV a series row sums: flows.csv, campaigns.csv, or both plus the subscriber counts of subscribers.csv. */
public enum Source {
    FLOWS,
    CAMPAIGNS,
    ALL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Source ofWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}

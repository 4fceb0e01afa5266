package dev.ksync.reporting;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The statistics of one CSV row, as Klaviyo reported them; a statistic Klaviyo left out is null. */
public record Metrics(Map<Statistic, Double> values) {
    public static final Metrics NONE = new Metrics(Map.of());

    public Metrics {
        EnumMap<Statistic, Double> copy = new EnumMap<>(Statistic.class);
        values.forEach((k, v) -> { if (v != null) copy.put(k, v); });
        values = Collections.unmodifiableMap(copy);
    }

    /** Reads {@code stats} from a report row's statistics by their Klaviyo names. */
    public static Metrics from(List<Statistic> stats, Function<String, Double> byKlaviyoName) {
        EnumMap<Statistic, Double> m = new EnumMap<>(Statistic.class);
        for (Statistic s : stats) m.put(s, byKlaviyoName.apply(s.klaviyoName()));
        return new Metrics(m);
    }

    /** Zero for every statistic: the row of a message that sent nothing (drafts with includeDrafts). */
    public static Metrics zeros(List<Statistic> stats) {
        EnumMap<Statistic, Double> m = new EnumMap<>(Statistic.class);
        for (Statistic s : stats) m.put(s, 0.0);
        return new Metrics(m);
    }

    public Double get(Statistic s) { return values.get(s); }

    /** Whether anything happened: any statistic other than zero. */
    public boolean active() {
        return values.values().stream().anyMatch(v -> v != 0.0);
    }

    public List<String> cells(List<Statistic> columns) {
        return columns.stream().map(s -> s.format(values.get(s))).toList();
    }
}

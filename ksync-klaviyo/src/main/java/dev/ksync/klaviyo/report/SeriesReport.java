package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A series report: the account-local day each bucket starts on ({@code days}) and, per grouping, one value per bucket
 * for each statistic.
 */
public record SeriesReport(List<LocalDate> days, List<Row> results) {
    public SeriesReport {
        days = List.copyOf(days);
        results = List.copyOf(results);
    }

    /** {@code statistics.get(name).get(i)} belongs to {@code days.get(i)}; null where Klaviyo sent null. */
    public record Row(Map<String, String> groupings, Map<String, List<Double>> statistics) {
        public Row {
            groupings = Map.copyOf(groupings);
            statistics = Map.copyOf(statistics);
        }
    }

    public static SeriesReport from(List<JsonNode> pages) {
        List<LocalDate> days = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (JsonNode doc : pages) {
            JsonNode a = doc.path("data").path("attributes");
            if (days.isEmpty()) a.path("date_times").forEach(d -> days.add(day(d.asText())));
            for (JsonNode r : a.path("results")) {
                Map<String, List<Double>> stats = new LinkedHashMap<>();
                r.path("statistics").properties().forEach(e -> {
                    List<Double> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.isNumber() ? v.doubleValue() : null));
                    stats.put(e.getKey(), Collections.unmodifiableList(values));
                });
                rows.add(new Row(Groupings.of(r), stats));
            }
        }
        return new SeriesReport(days, rows);
    }

    /**
     * The calendar date written in a {@code date_times} entry, its offset ignored. Klaviyo writes each bucket's
     * account-local midnight with a {@code +00:00} label, not the true instant (recording
     * nickdnk_klaviyo-php-sdk__query_flow_series.200.json, a Europe/Copenhagen account: "2026-08-28T00:00:00+00:00"
     * where the instant is 22:00Z the day before; the spec's CustomTimeframe: "Offset is ignored and the company
     * timezone is used"). Read as an instant, every day of an account west of UTC would land a day early. A
     * true-offset form ("2026-11-01T00:00:00+11:00") names the same date, so either reads right.
     */
    static LocalDate day(String text) {
        if (KlaviyoTime.parse(text) == null) throw new IllegalArgumentException("a series date_times entry is empty");
        return LocalDate.parse(text.strip().substring(0, 10));
    }
}

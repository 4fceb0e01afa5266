package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A values report: one row per grouping with one number per statistic (rates are fractions). */
public record ValuesReport(List<Row> results) {
    public ValuesReport {
        results = List.copyOf(results);
    }

    public record Row(Map<String, String> groupings, Map<String, Double> statistics) {
        public Row {
            groupings = Map.copyOf(groupings);
            statistics = Map.copyOf(statistics);
        }
    }

    /** Rows of all pages' {@code data.attributes.results}. */
    public static ValuesReport from(List<JsonNode> pages) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode doc : pages) {
            for (JsonNode r : doc.path("data").path("attributes").path("results")) {
                Map<String, Double> stats = new LinkedHashMap<>();
                r.path("statistics").properties().forEach(e ->
                        stats.put(e.getKey(), e.getValue().isNumber() ? e.getValue().doubleValue() : null));
                stats.values().removeIf(Objects::isNull);
                rows.add(new Row(Groupings.of(r), stats));
            }
        }
        return new ValuesReport(rows);
    }
}

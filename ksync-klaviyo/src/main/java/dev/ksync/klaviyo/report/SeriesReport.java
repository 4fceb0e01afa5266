package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A series report: {@code dateTimes} and, per grouping, one value per date for each statistic. */
public record SeriesReport(List<Instant> dateTimes, List<Row> results) {
    public SeriesReport {
        dateTimes = List.copyOf(dateTimes);
        results = List.copyOf(results);
    }

    /** {@code statistics.get(name).get(i)} belongs to {@code dateTimes.get(i)}; null where Klaviyo sent null. */
    public record Row(Map<String, String> groupings, Map<String, List<Double>> statistics) {
        public Row {
            groupings = Map.copyOf(groupings);
            statistics = Map.copyOf(statistics);
        }
    }

    public static SeriesReport from(List<JsonNode> pages) {
        List<Instant> dates = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (JsonNode doc : pages) {
            JsonNode a = doc.path("data").path("attributes");
            if (dates.isEmpty()) a.path("date_times").forEach(d -> dates.add(KlaviyoTime.parse(d.asText())));
            for (JsonNode r : a.path("results")) {
                Map<String, List<Double>> stats = new LinkedHashMap<>();
                r.path("statistics").properties().forEach(e -> {
                    List<Double> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.isNumber() ? v.doubleValue() : null));
                    stats.put(e.getKey(), java.util.Collections.unmodifiableList(values));
                });
                rows.add(new Row(Groupings.of(r), stats));
            }
        }
        return new SeriesReport(dates, rows);
    }
}

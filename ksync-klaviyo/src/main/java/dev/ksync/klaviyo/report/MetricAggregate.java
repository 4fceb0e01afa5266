package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.wire.KlaviyoTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Metric aggregates: {@code dates} and, per dimension tuple, measurement values aligned with them. */
public record MetricAggregate(List<Instant> dates, List<Row> data) {
    public MetricAggregate {
        dates = List.copyOf(dates);
        data = List.copyOf(data);
    }

    public record Row(List<String> dimensions, Map<String, List<Double>> measurements) {
        public Row {
            dimensions = List.copyOf(dimensions);
            measurements = Map.copyOf(measurements);
        }
    }

    public static MetricAggregate from(List<JsonNode> pages) {
        List<Instant> dates = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (JsonNode doc : pages) {
            JsonNode a = doc.path("data").path("attributes");
            if (dates.isEmpty()) a.path("dates").forEach(d -> dates.add(KlaviyoTime.parse(d.asText())));
            for (JsonNode r : a.path("data")) {
                List<String> dims = new ArrayList<>();
                r.path("dimensions").forEach(d -> dims.add(d.asText()));
                Map<String, List<Double>> ms = new LinkedHashMap<>();
                r.path("measurements").properties().forEach(e -> {
                    List<Double> v = new ArrayList<>();
                    e.getValue().forEach(x -> v.add(x.isNumber() ? x.doubleValue() : null));
                    ms.put(e.getKey(), Collections.unmodifiableList(v));
                });
                rows.add(new Row(dims, ms));
            }
        }
        return new MetricAggregate(dates, rows);
    }
}

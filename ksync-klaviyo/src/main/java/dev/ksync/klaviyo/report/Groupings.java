package dev.ksync.klaviyo.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

final class Groupings {
    private Groupings() {}

    /** {@code groupings} as strings; null values are left out. */
    static Map<String, String> of(JsonNode row) {
        Map<String, String> g = new LinkedHashMap<>();
        row.path("groupings").properties().forEach(e -> {
            if (!e.getValue().isNull()) g.put(e.getKey(), e.getValue().asText());
        });
        return g;
    }
}

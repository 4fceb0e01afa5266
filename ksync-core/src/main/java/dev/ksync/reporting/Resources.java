package dev.ksync.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Small JSON:API reads and filter values shared by the flows and campaigns listings. */
public final class Resources {
    private Resources() {}

    /** Ids of a resource's relationship (present when the listing asked to include it). */
    public static List<String> relIds(JsonNode resource, String rel) {
        List<String> ids = new ArrayList<>();
        resource.path("relationships").path(rel).path("data").forEach(d -> ids.add(d.path("id").asText()));
        return ids;
    }

    /** A report body's filter list value, sorted and without repeats: {@code ["a","b"]}. */
    public static String quoted(Collection<String> ids) {
        return sorted(ids).stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /** Ids in a stable order, once each, for an {@code any(id, [...])} filter. */
    public static List<String> sorted(Collection<String> ids) {
        return ids.stream().sorted().distinct().toList();
    }
}

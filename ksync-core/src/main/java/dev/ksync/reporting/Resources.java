package dev.ksync.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.endpoint.ReportLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
    private static String quoted(Collection<String> ids) {
        return sorted(ids).stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * A report filter keeping only these ids, {@code contains-any(<attribute>,["a",…])}, or empty when they are more
     * than one list filter may hold ({@link ReportLimits#MAX_FILTER_LIST}): the caller then asks for every row (the
     * same one call) and keeps the ids' rows itself, which gives the rows the filter would have.
     */
    public static Optional<String> containsAny(String attribute, Collection<String> ids) {
        List<String> list = sorted(ids);
        return list.size() > ReportLimits.MAX_FILTER_LIST ? Optional.empty()
                : Optional.of("contains-any(" + attribute + "," + quoted(list) + ")");
    }

    /** Ids in a stable order, once each, for an {@code any(id, [...])} filter. */
    public static List<String> sorted(Collection<String> ids) {
        return ids.stream().sorted().distinct().toList();
    }
}

package dev.ksync.klaviyo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link KlaviyoClient#events} lists.
 *
 * @param metricId       {@code equals(metric_id,…)}, or null
 * @param profileId      {@code equals(profile_id,…)}, or null
 * @param from           inclusive lower bound on {@code datetime}, or null
 * @param to             exclusive upper bound on {@code datetime}, or null
 * @param include        related resources: {@code metric}, {@code profile}
 * @param sort           {@code datetime}, {@code -datetime}, {@code timestamp}…; null = Klaviyo's order
 * @param partitions     0 = one cursor; else the number of time slices of [from, to) paged in parallel
 * @param fields         sparse fieldsets, e.g. {@code fields[event]=datetime,event_properties}; may be empty
 */
public record EventQuery(String metricId, String profileId, Instant from, Instant to, List<String> include,
                         List<String> filters, String sort, Integer pageSize, int partitions, int maxPages,
                         java.util.Map<String, String> fields, String resumeFrom) {
    public EventQuery {
        include = List.copyOf(include);
        filters = List.copyOf(filters);
        fields = java.util.Map.copyOf(fields);
        if (partitions < 0 || maxPages < 0) throw new IllegalArgumentException("partitions and maxPages must be >= 0");
        if (partitions > 0 && (from == null || to == null)) {
            throw new IllegalArgumentException("partitioned events need a from and a to");
        }
        for (String i : include) {
            if (!List.of("metric", "profile", "attributions").contains(i)) throw new IllegalArgumentException("cannot include " + i);
        }
    }

    public static EventQuery all() {
        return new EventQuery(null, null, null, null, List.of(), List.of(), null, null, 0, 0, java.util.Map.of(), null);
    }

    public EventQuery metric(String id) { return new EventQuery(id, profileId, from, to, include, filters, sort, pageSize, partitions, maxPages, fields, resumeFrom); }
    public EventQuery profile(String id) { return new EventQuery(metricId, id, from, to, include, filters, sort, pageSize, partitions, maxPages, fields, resumeFrom); }
    public EventQuery between(Instant f, Instant t) { return new EventQuery(metricId, profileId, f, t, include, filters, sort, pageSize, partitions, maxPages, fields, resumeFrom); }
    public EventQuery sort(String s) { return new EventQuery(metricId, profileId, from, to, include, filters, s, pageSize, partitions, maxPages, fields, resumeFrom); }
    public EventQuery pageSize(int n) { return new EventQuery(metricId, profileId, from, to, include, filters, sort, n, partitions, maxPages, fields, resumeFrom); }
    public EventQuery partitioned(int slices) { return new EventQuery(metricId, profileId, from, to, include, filters, sort, pageSize, slices, maxPages, fields, resumeFrom); }
    public EventQuery maxPages(int n) { return new EventQuery(metricId, profileId, from, to, include, filters, sort, pageSize, partitions, n, fields, resumeFrom); }
    public EventQuery resumeFrom(String link) { return new EventQuery(metricId, profileId, from, to, include, filters, sort, pageSize, partitions, maxPages, fields, link); }

    public EventQuery includeMetric() { return including("metric"); }
    public EventQuery includeProfile() { return including("profile"); }

    public EventQuery filter(String expression) {
        List<String> f = new ArrayList<>(filters);
        f.add(expression);
        return new EventQuery(metricId, profileId, from, to, include, f, sort, pageSize, partitions, maxPages, fields, resumeFrom);
    }

    /** {@code fields[type]=list}, e.g. {@code field("event", "datetime,event_properties")}. */
    public EventQuery field(String type, String list) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>(fields);
        m.put(type, list);
        return new EventQuery(metricId, profileId, from, to, include, filters, sort, pageSize, partitions, maxPages, m, resumeFrom);
    }

    private EventQuery including(String rel) {
        if (include.contains(rel)) return this;
        List<String> i = new ArrayList<>(include);
        i.add(rel);
        return new EventQuery(metricId, profileId, from, to, i, filters, sort, pageSize, partitions, maxPages, fields, resumeFrom);
    }
}

package dev.ksync.klaviyo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to list, for any {@link Listing}: filters, sort, page size, other parameters, partitioning and limits.
 * Immutable; each {@code with…}-style method returns a new query. {@code Query.all()} is the whole listing.
 *
 * @param parentId     the {@code {id}} of a nested listing (a flow's actions), or null
 * @param sort         e.g. {@code created} or {@code -updated}; null = Klaviyo's order (and, partitioned, no order)
 * @param pageSize     null = the endpoint's maximum (fewest calls)
 * @param params       other parameters as Klaviyo names them: {@code additional-fields[profile]}, {@code include},
 *                     {@code fields[event]}
 * @param partitioning null = one cursor; else parallel time slices (see {@link Partitioning})
 * @param maxPages     0 = all pages
 * @param resumeFrom   a {@code nextLink} from a {@link dev.ksync.klaviyo.paging.PageEvent} to continue from
 */
public record Query(String parentId, List<Filter> filters, String sort, Integer pageSize, Map<String, String> params,
                    Partitioning partitioning, int maxPages, String resumeFrom) {
    public Query {
        filters = List.copyOf(filters);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        if (maxPages < 0) throw new IllegalArgumentException("maxPages must be >= 0");
        if (partitioning != null && resumeFrom != null) throw new IllegalArgumentException("resume a partitioned listing by slice");
    }

    public static Query all() {
        return new Query(null, List.of(), null, null, Map.of(), null, 0, null);
    }

    /** The listing nested under {@code id} (e.g. a flow's actions). */
    public static Query of(String parentId) {
        return all().parent(Objects.requireNonNull(parentId, "parentId is null"));
    }

    public Query parent(String id) { return new Query(id, filters, sort, pageSize, params, partitioning, maxPages, resumeFrom); }
    public Query sort(String s) { return new Query(parentId, filters, s, pageSize, params, partitioning, maxPages, resumeFrom); }
    public Query pageSize(int n) { return new Query(parentId, filters, sort, n, params, partitioning, maxPages, resumeFrom); }
    public Query partitioned(Partitioning p) { return new Query(parentId, filters, sort, pageSize, params, p, maxPages, resumeFrom); }
    public Query maxPages(int n) { return new Query(parentId, filters, sort, pageSize, params, partitioning, n, resumeFrom); }
    public Query resumeFrom(String link) { return new Query(parentId, filters, sort, pageSize, params, partitioning, maxPages, link); }

    /** ANDs one more condition. */
    public Query filter(Filter f) {
        List<Filter> all = new ArrayList<>(filters);
        all.add(Objects.requireNonNull(f, "filter is null"));
        return new Query(parentId, all, sort, pageSize, params, partitioning, maxPages, resumeFrom);
    }

    /** Sets a parameter as Klaviyo names it, e.g. {@code param("fields[event]", "datetime")}. */
    public Query param(String name, String value) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put(Objects.requireNonNull(name, "name is null"), Objects.requireNonNull(value, "value is null"));
        return new Query(parentId, filters, sort, pageSize, p, partitioning, maxPages, resumeFrom);
    }

    /** Adds to a comma-separated parameter: {@code include}, {@code additional-fields[profile]}. */
    public Query add(String name, String item) {
        String now = params.get(name);
        if (now != null && List.of(now.split(",")).contains(item)) return this;
        return param(name, now == null ? item : now + "," + item);
    }

    /** True when the call asks for predictive analytics, which Klaviyo rates on a lower tier. */
    boolean predictive() {
        return params.entrySet().stream().anyMatch(e -> e.getKey().startsWith("additional-fields[")
                && List.of(e.getValue().split(",")).contains("predictive_analytics"));
    }
}

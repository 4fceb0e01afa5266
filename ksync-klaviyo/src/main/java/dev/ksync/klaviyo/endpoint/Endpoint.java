package dev.ksync.klaviyo.endpoint;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One Klaviyo operation as data: everything the client needs to call, page and pace it.
 *
 * @param operationId     the spec's operationId, also the key of call statistics and budgets
 * @param pageSize        {@code page[size]} bounds, or null when the endpoint takes none
 * @param predictiveTier  the lower tier used when {@code predictive_analytics} is requested, or null
 * @param filters         allowed filter field → operators (spec {@code x-klaviyo-filters})
 * @param sorts           allowed sort fields (ascending names; each also allowed with '-')
 */
public record Endpoint(
        String operationId,
        HttpMethod method,
        String path,
        String scope,
        PageSize pageSize,
        RateTier tier,
        RateTier predictiveTier,
        CursorStyle cursor,
        Map<String, Set<String>> filters,
        List<String> sorts) {

    public enum HttpMethod { GET, POST }

    public Endpoint {
        Objects.requireNonNull(operationId, "operationId is null");
        Objects.requireNonNull(method, "method is null");
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(tier, "tier is null");
        Objects.requireNonNull(cursor, "cursor is null");
        filters = Map.copyOf(filters);
        sorts = List.copyOf(sorts);
    }

    /** The tier that applies to a call, given whether it asks for predictive analytics. */
    public RateTier tierFor(boolean predictive) {
        return predictive && predictiveTier != null ? predictiveTier : tier;
    }

    /** The path with its {@code {id}} replaced. */
    public String path(String id) {
        if (!path.contains("{id}")) return path;
        Objects.requireNonNull(id, "id is null");
        return path.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    public boolean allowsFilter(String field, String operator) {
        Set<String> ops = filters.get(field);
        return ops != null && ops.contains(operator);
    }

    public boolean allowsSort(String sort) {
        return sorts.contains(sort.startsWith("-") ? sort.substring(1) : sort);
    }
}

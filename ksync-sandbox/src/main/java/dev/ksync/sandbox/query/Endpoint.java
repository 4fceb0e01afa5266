package dev.ksync.sandbox.query;

import dev.ksync.sandbox.limits.Tier;

import java.util.List;
import java.util.Map;

/**
 * One Klaviyo operation as the sandbox serves it: its rate tier, page-size bounds, and the filter
 * fields/operators, sort fields and includes the spec allows. Kept in code (the sandbox ships
 * without the spec); a test checks every value against stable.json.
 *
 * @param predictiveTier the lower tier used when predictive analytics are requested, or null
 * @param pageDefault    default page[size], or 0 when the operation takes no page[size]
 */
public record Endpoint(String operationId, String method, String path, Tier tier, Tier predictiveTier,
                       int pageDefault, int pageMax, List<String> sorts, Map<String, FieldRule> filters,
                       List<String> includes, String requiredFilter) {
    public Endpoint {
        sorts = List.copyOf(sorts);
        filters = Map.copyOf(filters);
        includes = List.copyOf(includes);
    }

    public boolean paged() { return pageDefault > 0; }
}

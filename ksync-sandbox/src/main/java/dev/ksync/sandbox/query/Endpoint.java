package dev.ksync.sandbox.query;

import dev.ksync.sandbox.limits.Tier;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Klaviyo operation as the sandbox serves it: its rate tier, page-size bounds, and the filter
 * fields/operators, sort fields and includes the spec allows. Kept in code (the sandbox ships
 * without the spec); a test checks every value against stable.json.
 *
 * @param lowerTiers     lower tiers that apply when a parameter asks for costly data, e.g.
 *                       additional-fields[profile]=predictive_analytics on GET /api/profiles
 * @param pageDefault    default page[size], or 0 when the operation takes no page[size]
 * @param sparseFields   for each fields[type] the operation takes, the field names it accepts
 */
public record Endpoint(String operationId, String method, String path, Tier tier, List<TierRule> lowerTiers,
                       int pageDefault, int pageMax, List<String> sorts, Map<String, FieldRule> filters,
                       List<String> includes, String requiredFilter, Map<String, Set<String>> sparseFields) {
    public Endpoint {
        lowerTiers = List.copyOf(lowerTiers);
        sorts = List.copyOf(sorts);
        filters = Map.copyOf(filters);
        includes = List.copyOf(includes);
        sparseFields = Map.copyOf(sparseFields);
    }

    public boolean paged() { return pageDefault > 0; }

    /** "When {@code parameter} contains {@code value}, the limits are {@code tier}." */
    public record TierRule(String parameter, String value, Tier tier) {}

    /** The tier for a request with these query parameters: the lowest that applies. */
    public TierRule tierFor(Map<String, List<String>> query) {
        TierRule chosen = null;
        for (TierRule r : lowerTiers) {
            boolean hit = query.getOrDefault(r.parameter(), List.of()).stream()
                    .flatMap(v -> Arrays.stream(v.split(","))).anyMatch(v -> v.trim().startsWith(r.value()));
            if (hit && (chosen == null || r.tier().steadyPerMinute() < chosen.tier().steadyPerMinute())) chosen = r;
        }
        return chosen;
    }
}

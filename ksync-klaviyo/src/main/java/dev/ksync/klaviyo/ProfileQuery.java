package dev.ksync.klaviyo;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link KlaviyoClient#profiles} lists.
 *
 * @param filters          filter expressions, ANDed (e.g. {@code greater-than(updated,2025-01-01T00:00:00Z)})
 * @param sort             e.g. {@code created} or {@code -updated}; null = Klaviyo's order
 * @param pageSize         null = the endpoint's maximum (fewest calls)
 * @param additionalFields {@code subscriptions}, {@code predictive_analytics} (the latter lowers the tier to 10/s·150/m)
 * @param partitioning     null = one cursor; else parallel time slices on {@code created} (or {@code updated}
 *                         when sorting by it)
 * @param maxPages         0 = all pages
 * @param resumeFrom       a {@code nextLink} from a {@link dev.ksync.klaviyo.paging.PageEvent} to continue from
 */
public record ProfileQuery(List<String> filters, String sort, Integer pageSize, Set<String> additionalFields,
                           Partitioning partitioning, int maxPages, String resumeFrom) {
    public ProfileQuery {
        filters = List.copyOf(filters);
        additionalFields = Set.copyOf(additionalFields);
        for (String f : additionalFields) {
            if (!f.equals("subscriptions") && !f.equals("predictive_analytics")) {
                throw new IllegalArgumentException("additional field " + f + " is not one of subscriptions, predictive_analytics");
            }
        }
        if (maxPages < 0) throw new IllegalArgumentException("maxPages must be >= 0");
        if (partitioning != null && resumeFrom != null) throw new IllegalArgumentException("resume a partitioned listing by slice");
    }

    public static ProfileQuery all() {
        return new ProfileQuery(List.of(), null, null, Set.of(), null, 0, null);
    }

    public ProfileQuery filter(String expression) {
        List<String> f = new java.util.ArrayList<>(filters);
        f.add(expression);
        return new ProfileQuery(f, sort, pageSize, additionalFields, partitioning, maxPages, resumeFrom);
    }

    public ProfileQuery sort(String s) {
        return new ProfileQuery(filters, s, pageSize, additionalFields, partitioning, maxPages, resumeFrom);
    }

    public ProfileQuery pageSize(int n) {
        return new ProfileQuery(filters, sort, n, additionalFields, partitioning, maxPages, resumeFrom);
    }

    public ProfileQuery withSubscriptions() {
        return additional("subscriptions");
    }

    public ProfileQuery withPredictiveAnalytics() {
        return additional("predictive_analytics");
    }

    public ProfileQuery partitioned(Partitioning p) {
        return new ProfileQuery(filters, sort, pageSize, additionalFields, p, maxPages, resumeFrom);
    }

    public ProfileQuery maxPages(int n) {
        return new ProfileQuery(filters, sort, pageSize, additionalFields, partitioning, n, resumeFrom);
    }

    public ProfileQuery resumeFrom(String nextLink) {
        return new ProfileQuery(filters, sort, pageSize, additionalFields, partitioning, maxPages, nextLink);
    }

    public boolean predictive() {
        return additionalFields.contains("predictive_analytics");
    }

    private ProfileQuery additional(String field) {
        Set<String> s = new LinkedHashSet<>(additionalFields);
        s.add(field);
        return new ProfileQuery(filters, sort, pageSize, s, partitioning, maxPages, resumeFrom);
    }
}

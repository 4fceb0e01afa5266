package dev.ksync.klaviyo;

import dev.ksync.klaviyo.endpoint.Endpoint;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks filter expressions against the endpoint's allowed fields and operators before spending a call. */
final class Filters {
    private Filters() {}

    private static final Pattern CALL = Pattern.compile("([a-z-]+)\\(\\s*([A-Za-z0-9_.$]+)\\s*,?");

    static String join(Endpoint ep, List<String> filters) {
        if (filters.isEmpty()) return null;
        for (String f : filters) check(ep, f);
        return String.join(",", filters);
    }

    static void check(Endpoint ep, String filter) {
        Matcher m = CALL.matcher(filter);
        while (m.find()) {
            String op = m.group(1);
            if (op.equals("and")) continue;
            String field = m.group(2);
            if (!ep.allowsFilter(field, op)) {
                throw new IllegalArgumentException("filter " + op + "(" + field + ",…) is not allowed on " + ep.path()
                        + "; allowed: " + ep.filters());
            }
        }
    }
}

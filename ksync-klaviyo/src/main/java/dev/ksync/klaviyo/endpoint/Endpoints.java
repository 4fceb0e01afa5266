package dev.ksync.klaviyo.endpoint;

import static dev.ksync.klaviyo.endpoint.Endpoint.HttpMethod.GET;
import static dev.ksync.klaviyo.endpoint.Endpoint.HttpMethod.POST;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations ksync calls, declared once. Copied from {@code stable.json} (revision 2026-07-15)
 * so the client needs no spec at runtime; {@code EndpointsTest} checks every value against the spec.
 */
public final class Endpoints {
    private Endpoints() {}

public static final Endpoint ACCOUNTS = new Endpoint("get_accounts", GET, "/api/accounts", "accounts:read",
            null, RateTier.XS, null, CursorStyle.NONE,
            filters(),
            List.of());

    public static final Endpoint PROFILES = new Endpoint("get_profiles", GET, "/api/profiles", "profiles:read",
            new PageSize(1, 20, 100), RateTier.L, RateTier.M, CursorStyle.LINKS_NEXT,
            filters("id", "any,equals",
                    "email", "any,equals",
                    "phone_number", "any,equals",
                    "external_id", "any,equals",
                    "_kx", "equals",
                    "created", "greater-than,less-than",
                    "updated", "greater-than,less-than",
                    "subscriptions.email.marketing.list_suppressions.reason", "equals",
                    "subscriptions.email.marketing.list_suppressions.timestamp", "greater-or-equal,greater-than,less-or-equal,less-than",
                    "subscriptions.email.marketing.list_suppressions.list_id", "equals",
                    "subscriptions.email.marketing.suppression.reason", "equals",
                    "subscriptions.email.marketing.suppression.timestamp", "greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("created", "email", "id", "subscriptions.email.marketing.list_suppressions.timestamp", "subscriptions.email.marketing.suppression.timestamp", "updated"));

    public static final Endpoint EVENTS = new Endpoint("get_events", GET, "/api/events", "events:read",
            new PageSize(1, 200, 1000), RateTier.XL, null, CursorStyle.LINKS_NEXT,
            filters("metric_id", "equals",
                    "profile_id", "equals",
                    "profile", "has",
                    "metric", "has",
                    "datetime", "greater-or-equal,greater-than,less-or-equal,less-than",
                    "timestamp", "greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("datetime", "timestamp"));

    public static final Endpoint METRICS = new Endpoint("get_metrics", GET, "/api/metrics", "metrics:read",
            null, RateTier.M, null, CursorStyle.LINKS_NEXT,
            filters("integration.name", "equals",
                    "integration.category", "equals"),
            List.of());

    public static final Endpoint FLOWS = new Endpoint("get_flows", GET, "/api/flows", "flows:read",
            new PageSize(1, 50, 50), RateTier.S, null, CursorStyle.LINKS_NEXT,
            filters("id", "any",
                    "name", "contains,ends-with,equals,starts-with",
                    "status", "equals",
                    "archived", "equals",
                    "created", "equals,greater-or-equal,greater-than,less-or-equal,less-than",
                    "updated", "equals,greater-or-equal,greater-than,less-or-equal,less-than",
                    "trigger_type", "equals"),
            List.of("created", "id", "name", "status", "trigger_type", "updated"));

    public static final Endpoint FLOW_ACTIONS = new Endpoint("get_actions_for_flow", GET, "/api/flows/{id}/flow-actions", "flows:read",
            new PageSize(1, 50, 50), RateTier.S, null, CursorStyle.LINKS_NEXT,
            filters("id", "any",
                    "action_type", "any,equals",
                    "status", "equals",
                    "created", "equals,greater-or-equal,greater-than,less-or-equal,less-than",
                    "updated", "equals,greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("action_type", "created", "id", "status", "updated"));

    public static final Endpoint FLOW_MESSAGES = new Endpoint("get_flow_action_messages", GET, "/api/flow-actions/{id}/flow-messages", "flows:read",
            new PageSize(1, 50, 50), RateTier.S, null, CursorStyle.LINKS_NEXT,
            filters("id", "any",
                    "name", "contains,ends-with,equals,starts-with",
                    "created", "equals,greater-or-equal,greater-than,less-or-equal,less-than",
                    "updated", "equals,greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("created", "id", "name", "updated"));

    public static final Endpoint CAMPAIGNS = new Endpoint("get_campaigns", GET, "/api/campaigns", "campaigns:read",
            new PageSize(1, 100, 100), RateTier.M, null, CursorStyle.LINKS_NEXT,
            filters("id", "any",
                    "messages.channel", "equals",
                    "name", "contains",
                    "status", "any,equals",
                    "archived", "equals",
                    "created_at", "greater-or-equal,greater-than,less-or-equal,less-than",
                    "scheduled_at", "greater-or-equal,greater-than,less-or-equal,less-than",
                    "updated_at", "greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("created_at", "id", "name", "scheduled_at", "updated_at"));

    public static final Endpoint CAMPAIGN_MESSAGES = new Endpoint("get_messages_for_campaign", GET, "/api/campaigns/{id}/campaign-messages", "campaigns:read",
            null, RateTier.M, null, CursorStyle.NONE,
            filters(),
            List.of());

    public static final Endpoint LISTS = new Endpoint("get_lists", GET, "/api/lists", "lists:read",
            new PageSize(1, 10, 10), RateTier.L, null, CursorStyle.LINKS_NEXT,
            filters("name", "any,equals",
                    "id", "any,equals",
                    "created", "greater-than",
                    "updated", "greater-than"),
            List.of("created", "id", "name", "updated"));

    public static final Endpoint SEGMENTS = new Endpoint("get_segments", GET, "/api/segments", "segments:read",
            new PageSize(1, 10, 10), RateTier.L, null, CursorStyle.LINKS_NEXT,
            filters("name", "any,equals",
                    "id", "any,equals",
                    "created", "greater-than",
                    "updated", "greater-than",
                    "is_active", "any,equals",
                    "is_starred", "equals"),
            List.of("created", "id", "name", "updated"));

    public static final Endpoint TEMPLATES = new Endpoint("get_templates", GET, "/api/templates", "templates:read",
            new PageSize(1, 10, 10), RateTier.L, null, CursorStyle.LINKS_NEXT,
            filters("id", "any,equals",
                    "name", "any,contains,equals",
                    "created", "equals,greater-or-equal,greater-than,less-or-equal,less-than",
                    "updated", "equals,greater-or-equal,greater-than,less-or-equal,less-than"),
            List.of("created", "id", "name", "updated"));

    public static final Endpoint TAGS = new Endpoint("get_tags", GET, "/api/tags", "tags:read",
            new PageSize(1, 50, 50), RateTier.S, null, CursorStyle.LINKS_NEXT,
            filters("name", "contains,ends-with,equals,starts-with"),
            List.of("id", "name"));

    public static final Endpoint FLOW_VALUES_REPORT = new Endpoint("query_flow_values", POST, "/api/flow-values-reports", "flows:read",
            null, RateTier.REPORTS, null, CursorStyle.REPORT_PAGE_CURSOR,
            filters(),
            List.of());

    public static final Endpoint FLOW_SERIES_REPORT = new Endpoint("query_flow_series", POST, "/api/flow-series-reports", "flows:read",
            null, RateTier.REPORTS, null, CursorStyle.REPORT_PAGE_CURSOR,
            filters(),
            List.of());

    public static final Endpoint CAMPAIGN_VALUES_REPORT = new Endpoint("query_campaign_values", POST, "/api/campaign-values-reports", "campaigns:read",
            null, RateTier.REPORTS, null, CursorStyle.REPORT_PAGE_CURSOR,
            filters(),
            List.of());

    public static final Endpoint METRIC_AGGREGATES = new Endpoint("query_metric_aggregates", POST, "/api/metric-aggregates", "metrics:read",
            null, RateTier.S, null, CursorStyle.BODY_PAGE_CURSOR,
            filters(),
            List.of());

    /** Every endpoint the client covers. */
    public static final List<Endpoint> ALL = List.of(
            ACCOUNTS,
            PROFILES,
            EVENTS,
            METRICS,
            FLOWS,
            FLOW_ACTIONS,
            FLOW_MESSAGES,
            CAMPAIGNS,
            CAMPAIGN_MESSAGES,
            LISTS,
            SEGMENTS,
            TEMPLATES,
            TAGS,
            FLOW_VALUES_REPORT,
            FLOW_SERIES_REPORT,
            CAMPAIGN_VALUES_REPORT,
            METRIC_AGGREGATES);

    /** The endpoint with this operationId. */
    public static Endpoint byOperationId(String operationId) {
        return ALL.stream().filter(e -> e.operationId().equals(operationId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown operation " + operationId));
    }

    private static Map<String, Set<String>> filters(String... fieldThenOperators) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldThenOperators.length; i += 2) {
            String ops = fieldThenOperators[i + 1];
            m.put(fieldThenOperators[i], ops.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(ops.split(","))));
        }
        return m;
    }
}

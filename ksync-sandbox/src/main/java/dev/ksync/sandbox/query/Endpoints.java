package dev.ksync.sandbox.query;

import dev.ksync.sandbox.limits.Tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The operations the sandbox serves, transcribed from Klaviyo's spec (revision 2026-07-15). */
public final class Endpoints {
    public static final String REVISION = "2026-07-15";

    private static final List<String> CAMPAIGN_STATUSES = List.of("Scheduled", "Sent", "Draft", "Cancelled",
            "Adding Recipients", "Sending", "Variations Sent", "Sending Segments", "Cancelled: Smart Sending",
            "Preparing to send", "Cancelled: Account Disabled", "Cancelled: No Recipients", "Preparing to schedule",
            "Cancelled: Internal Error", "Queued without Recipients", "Cancelled: Billing Limit", "Cancelled: Misconfigured",
            "Unknown");
    private static final List<String> TRIGGER_TYPES = List.of("Metric", "Added to List", "Unconfigured", "Date Based",
            "Price Drop", "Low Inventory");

    private final Map<String, Endpoint> byOperation = new LinkedHashMap<>();

    public Endpoints() {
        String ts4 = "greater-or-equal,greater-than,less-or-equal,less-than";
        String ts5 = "equals," + ts4;
        add(op("get_accounts", "GET", "/api/accounts", Tier.XS).build());
        add(op("get_profiles", "GET", "/api/profiles", Tier.L).lower("additional-fields[profile]", "predictive_analytics", Tier.M).page(20, 100)
                .sorts("created", "email", "id", "subscriptions.email.marketing.list_suppressions.timestamp",
                        "subscriptions.email.marketing.suppression.timestamp", "updated")
                .filter("id", "s", "any,equals").filter("email", "s", "any,equals").filter("phone_number", "s", "any,equals")
                .filter("external_id", "s", "any,equals").filter("_kx", "s", "equals")
                .filter("created", "d", "greater-than,less-than").filter("updated", "d", "greater-than,less-than")
                .filter("subscriptions.email.marketing.list_suppressions.reason", "s", "equals")
                .filter("subscriptions.email.marketing.list_suppressions.timestamp", "d", ts4)
                .filter("subscriptions.email.marketing.list_suppressions.list_id", "s", "equals")
                .filter("subscriptions.email.marketing.suppression.reason", "s", "equals")
                .filter("subscriptions.email.marketing.suppression.timestamp", "d", ts4)
                .includes("conversations", "push-tokens").build());
        add(op("get_profile", "GET", "/api/profiles/{id}", Tier.L).lower("include", "list", Tier.XS).lower("include", "segment", Tier.XS)
                .includes("conversations", "lists", "push-tokens", "segments").build());
        for (String group : new String[]{"list", "segment"}) {
            Builder b = op("get_profiles_for_" + group, "GET", "/api/" + group + "s/{id}/profiles", Tier.L).page(20, 100)
                    .sorts("joined_group_at").filter("email", "s", "any,equals").filter("phone_number", "s", "any,equals")
                    .filter("push_token", "s", "any,equals").filter("_kx", "s", "equals").filter("joined_group_at", "d", ts4);
            if (group.equals("list")) b.lower("additional-fields[profile]", "predictive_analytics", Tier.M);
            else b.filter("profile_id", "s", "any,equals");
            add(b.build());
            add(op("get_" + group, "GET", "/api/" + group + "s/{id}", Tier.L).lower("additional-fields[" + group + "]", "profile_count", Tier.XS)
                    .includes("flow-triggers", "tags").build());
        }
        add(op("get_event", "GET", "/api/events/{id}", Tier.M).includes("attributions", "metric", "profile").build());
        add(op("get_campaign", "GET", "/api/campaigns/{id}", Tier.M).includes("campaign-messages", "tags").build());
        add(op("get_template", "GET", "/api/templates/{id}", Tier.L).build());
        add(op("get_tag", "GET", "/api/tags/{id}", Tier.S).includes("tag-group").build());
        add(op("get_flow_action", "GET", "/api/flow-actions/{id}", Tier.S).includes("flow", "flow-messages").build());
        add(op("get_events", "GET", "/api/events", Tier.XL).page(200, 1000).sorts("datetime", "timestamp")
                .filter("metric_id", "s", "equals").filter("profile_id", "s", "equals")
                .filter("profile", "-", "has").filter("metric", "-", "has")
                .filter("datetime", "d", ts4).filter("timestamp", "n", ts4)
                .includes("attributions", "metric", "profile").build());
        add(op("get_metrics", "GET", "/api/metrics", Tier.M)
                .filter("integration.name", "s", "equals").filter("integration.category", "s", "equals")
                .includes("flow-triggers").build());
        add(op("get_metric", "GET", "/api/metrics/{id}", Tier.M).includes("flow-triggers").build());
        add(op("get_flows", "GET", "/api/flows", Tier.S).page(50, 50)
                .sorts("created", "id", "name", "status", "trigger_type", "updated")
                .filter("id", "s", "any").filter("name", "s", "contains,ends-with,equals,starts-with")
                .filter("status", "s", "equals").filter("archived", "b", "equals")
                .filter("created", "d", ts5).filter("updated", "d", ts5).filterEnum("trigger_type", "equals", TRIGGER_TYPES)
                .includes("flow-actions", "tags").build());
        add(op("get_flow", "GET", "/api/flows/{id}", Tier.S).includes("flow-actions", "tags").build());
        add(op("get_actions_for_flow", "GET", "/api/flows/{id}/flow-actions", Tier.S).page(50, 50)
                .sorts("action_type", "created", "id", "status", "updated")
                .filter("id", "s", "any").filter("action_type", "s", "any,equals").filter("status", "s", "equals")
                .filter("created", "d", ts5).filter("updated", "d", ts5).build());
        add(op("get_flow_action_messages", "GET", "/api/flow-actions/{id}/flow-messages", Tier.S).page(50, 50)
                .sorts("created", "id", "name", "updated")
                .filter("id", "s", "any").filter("name", "s", "contains,ends-with,equals,starts-with")
                .filter("created", "d", ts5).filter("updated", "d", ts5).build());
        add(op("get_flow_message", "GET", "/api/flow-messages/{id}", Tier.S).includes("flow-action", "template").build());
        add(op("get_campaigns", "GET", "/api/campaigns", Tier.M).page(100, 100)
                .sorts("created_at", "id", "name", "scheduled_at", "updated_at")
                .filter("id", "s", "any").filterEnum("messages.channel", "equals", List.of("email", "sms", "mobile_push"))
                .filter("name", "s", "contains").filterEnum("status", "any,equals", CAMPAIGN_STATUSES)
                .filter("archived", "b", "equals").filter("created_at", "d", ts4).filter("scheduled_at", "d", ts4)
                .filter("updated_at", "d", ts4).includes("campaign-messages", "tags").required("messages.channel").build());
        add(op("get_messages_for_campaign", "GET", "/api/campaigns/{id}/campaign-messages", Tier.M)
                .includes("campaign", "image", "template").build());
        add(op("get_campaign_message", "GET", "/api/campaign-messages/{id}", Tier.M)
                .includes("campaign", "image", "template").build());
        add(op("get_lists", "GET", "/api/lists", Tier.L).page(10, 10).sorts("created", "id", "name", "updated")
                .filter("name", "s", "any,equals").filter("id", "s", "any,equals")
                .filter("created", "d", "greater-than").filter("updated", "d", "greater-than")
                .includes("flow-triggers", "tags").build());
        add(op("get_segments", "GET", "/api/segments", Tier.L).page(10, 10).sorts("created", "id", "name", "updated")
                .filter("name", "s", "any,equals").filter("id", "s", "any,equals")
                .filter("created", "d", "greater-than").filter("updated", "d", "greater-than")
                .filter("is_active", "b", "any,equals").filter("is_starred", "b", "equals")
                .includes("flow-triggers", "tags").build());
        add(op("get_templates", "GET", "/api/templates", Tier.L).page(10, 10).sorts("created", "id", "name", "updated")
                .filter("id", "s", "any,equals").filter("name", "s", "any,contains,equals")
                .filter("created", "d", ts5).filter("updated", "d", ts5).build());
        add(op("get_tags", "GET", "/api/tags", Tier.S).page(50, 50).sorts("id", "name")
                .filter("name", "s", "contains,ends-with,equals,starts-with").includes("tag-group").build());
        add(op("query_flow_values", "POST", "/api/flow-values-reports", Tier.REPORTS).build());
        add(op("query_flow_series", "POST", "/api/flow-series-reports", Tier.REPORTS).build());
        add(op("query_campaign_values", "POST", "/api/campaign-values-reports", Tier.REPORTS).build());
        add(op("query_metric_aggregates", "POST", "/api/metric-aggregates", Tier.S).build());
        Map<String, Map<String, Set<String>>> sparse = loadSparseFields();
        byOperation.replaceAll((id, e) -> new Endpoint(e.operationId(), e.method(), e.path(), e.tier(), e.lowerTiers(), e.pageDefault(),
                e.pageMax(), e.sorts(), e.filters(), e.includes(), e.requiredFilter(), sparse.getOrDefault(id, Map.of())));
    }

    private void add(Endpoint e) { byOperation.put(e.operationId(), e); }

    /** operationId → type → allowed sparse fields, from the bundled sparse-fields.txt. */
    private static Map<String, Map<String, Set<String>>> loadSparseFields() {
        Map<String, Map<String, Set<String>>> out = new LinkedHashMap<>();
        try (var in = Endpoints.class.getResourceAsStream("sparse-fields.txt")) {
            if (in == null) throw new IllegalStateException("sparse-fields.txt missing from the sandbox jar");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] parts = line.trim().split(" ");
                out.computeIfAbsent(parts[0], k -> new LinkedHashMap<>())
                        .put(parts[1], new LinkedHashSet<>(Arrays.asList(parts[2].split(","))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public Endpoint get(String operationId) {
        Endpoint e = byOperation.get(operationId);
        if (e == null) throw new IllegalArgumentException("unknown operation " + operationId);
        return e;
    }

    public List<Endpoint> all() { return List.copyOf(byOperation.values()); }

    private static Builder op(String id, String method, String path, Tier tier) {
        return new Builder(id, method, path, tier);
    }

    private static final class Builder {
        final String id, method, path;
        final Tier tier;
        final List<Endpoint.TierRule> lower = new ArrayList<>();
        int pageDefault, pageMax;
        final List<String> sorts = new ArrayList<>();
        final Map<String, FieldRule> filters = new LinkedHashMap<>();
        final List<String> includes = new ArrayList<>();
        String required;

        Builder(String id, String method, String path, Tier tier) {
            this.id = id;
            this.method = method;
            this.path = path;
            this.tier = tier;
        }

        Builder lower(String parameter, String value, Tier t) { lower.add(new Endpoint.TierRule(parameter, value, t)); return this; }
        Builder page(int def, int max) { pageDefault = def; pageMax = max; return this; }
        Builder sorts(String... s) { sorts.addAll(Arrays.asList(s)); return this; }
        Builder includes(String... s) { includes.addAll(Arrays.asList(s)); return this; }
        Builder required(String f) { required = f; return this; }

        Builder filter(String field, String type, String ops) {
            FieldRule.ValueType t = switch (type) {
                case "d" -> FieldRule.ValueType.DATETIME;
                case "b" -> FieldRule.ValueType.BOOLEAN;
                case "n" -> FieldRule.ValueType.NUMBER;
                case "-" -> FieldRule.ValueType.NONE;
                default -> FieldRule.ValueType.STRING;
            };
            filters.put(field, new FieldRule(field, new LinkedHashSet<>(Arrays.asList(ops.split(","))), t, null));
            return this;
        }

        Builder filterEnum(String field, String ops, List<String> values) {
            filters.put(field, new FieldRule(field, new LinkedHashSet<>(Arrays.asList(ops.split(","))), FieldRule.ValueType.STRING, values));
            return this;
        }

        Endpoint build() {
            return new Endpoint(id, method, path, tier, lower, pageDefault, pageMax, sorts, filters, includes, required, Map.of());
        }
    }
}

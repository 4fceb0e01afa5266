package dev.ksync.flows;

import static dev.ksync.reporting.Resources.sorted;
import static dev.ksync.reporting.Resources.relIds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.wire.Flow;
import dev.ksync.klaviyo.wire.FlowAction;
import dev.ksync.klaviyo.wire.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What flows.csv needs to know of the flows beside their numbers, read from the flows listing with
 * {@code include=flow-actions,tags}: status, tags, and each send action's message (id, name, channel), so neither
 * a walk of actions and messages nor a tag lookup is needed. The only access to the flow endpoints.
 */
final class FlowCatalog {
    private FlowCatalog() {}

    record MessageInfo(String id, String name, String channel) {}

    /** @param updated Klaviyo's last change of the flow (what a cached walk is valid for); null when unknown */
    record FlowInfo(String id, String name, String status, boolean archived, List<String> tags,
                    List<MessageInfo> messages, Instant updated) {
        FlowInfo {
            tags = List.copyOf(tags);
            messages = List.copyOf(messages);
        }
    }

    /** Unarchived flows (Klaviyo's default), by id. */
    static Map<String, FlowInfo> unarchived(KlaviyoClient client) {
        return list(client, Query.all());
    }

    /** Archived flows among {@code ids} (ids Klaviyo's reports name but the default listing leaves out). */
    static Map<String, FlowInfo> archived(KlaviyoClient client, List<String> ids) {
        if (ids.isEmpty()) return Map.of();
        return list(client, Query.all().filter(Filter.any("id", sorted(ids))).filter(Listings.ARCHIVED));
    }

    /** The send actions of one flow walked (enrichMessageNames, for messages nothing else names). */
    static List<MessageInfo> walk(KlaviyoClient client, String flowId) {
        try (Stream<FlowAction> actions = client.list(Listings.FLOW_ACTIONS, Query.of(flowId))) {
            return actions.map(a -> message(a.definition())).filter(m -> m != null).toList();
        }
    }

    private static Map<String, FlowInfo> list(KlaviyoClient client, Query query) {
        Query q = query.add("include", "flow-actions").add("include", "tags");
        Map<String, FlowInfo> out = new TreeMap<>();
        try (Stream<Page> pages = client.list(Listings.pages(Endpoints.FLOWS), q)) {
            pages.forEach(p -> p.data().forEach(r -> {
                Flow f = Flow.from(r);
                List<String> tags = new ArrayList<>();
                for (String id : relIds(r, "tags")) {
                    JsonNode t = p.included().get("tag", id);
                    if (t != null) tags.add(t.path("attributes").path("name").asText(id));
                }
                tags.sort(null);
                List<MessageInfo> messages = new ArrayList<>();
                for (String id : relIds(r, "flow-actions")) {
                    JsonNode a = p.included().get("flow-action", id);
                    MessageInfo m = a == null ? null : message(a.path("attributes").path("definition"));
                    if (m != null) messages.add(m);
                }
                out.put(f.id(), new FlowInfo(f.id(), f.name(), f.status(), Boolean.TRUE.equals(f.archived()), tags, messages,
                        f.updated()));
            }));
        }
        return out;
    }

    /** The message of a send action's definition ({@code data.message}), or null for other actions. */
    static MessageInfo message(JsonNode definition) {
        if (definition == null) return null;
        String type = definition.path("type").asText("");
        JsonNode m = definition.path("data").path("message");
        if (!type.startsWith("send-") || !m.isObject() || !m.hasNonNull("id")) return null;
        String channel = m.hasNonNull("channel") ? m.get("channel").asText() : switch (type) {
            case "send-email" -> "email";
            case "send-sms" -> "sms";
            case "send-mobile-push" -> "push";
            default -> type.substring("send-".length());
        };
        return new MessageInfo(m.get("id").asText(), m.hasNonNull("name") ? m.get("name").asText() : null, channel);
    }

}

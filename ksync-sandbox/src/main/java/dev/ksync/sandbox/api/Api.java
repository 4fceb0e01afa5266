package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.CampaignMessage;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.FlowAction;
import dev.ksync.sandbox.data.FlowMessage;
import dev.ksync.sandbox.data.Metric;
import dev.ksync.sandbox.data.ProfileList;
import dev.ksync.sandbox.data.Segment;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.data.Tag;
import dev.ksync.sandbox.data.Template;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.Endpoints;
import dev.ksync.sandbox.query.QueryParams;
import dev.ksync.sandbox.reports.MetricAggregates;
import dev.ksync.sandbox.reports.Reports;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The Klaviyo endpoints: each takes an {@link ApiRequest} and returns the JSON:API document. */
public final class Api {
    private static final String CURSOR = "page[cursor]";

    private final SandboxData data;
    private final Endpoints endpoints;
    private final Links links;
    private final Resources resources;
    private final Reports reports;
    private final MetricAggregates aggregates;
    private final ProfilePages profiles;
    private final EventPages events;
    private final ObjectMapper mapper;

    public Api(SandboxData data, Endpoints endpoints, Links links, ObjectMapper mapper, Clock clock) {
        this.data = data;
        this.endpoints = endpoints;
        this.links = links;
        this.resources = new Resources(data, links, mapper);
        this.reports = new Reports(data, links, mapper, clock);
        this.aggregates = new MetricAggregates(data, links, mapper);
        this.profiles = new ProfilePages(data, resources, links);
        this.events = new EventPages(data, resources, links);
        this.mapper = mapper;
    }

    public Endpoints endpoints() { return endpoints; }

    /**
     * The answer's body: event pages (the sandbox's bulk work) stream straight to JSON; the rest serialize
     * {@link #handle}'s document. Both give the same bytes.
     */
    public byte[] answer(String operationId, ApiRequest r) throws IOException {
        if (operationId.equals("get_events")) return events.answer(endpoints.get(operationId), r, mapper);
        return mapper.writeValueAsBytes(handle(operationId, r));
    }

    /** The answer as a document of nodes. */
    public ObjectNode handle(String operationId, ApiRequest r) {
        Endpoint e = endpoints.get(operationId);
        return switch (operationId) {
            case "get_accounts" -> {
                QueryParams q = QueryParams.parse(e, "account", r.query());
                yield Documents.collection(List.of(Documents.sparse(resources.account(data.account()), q)), List.of(), false, self(r), null);
            }
            case "get_profiles" -> profiles.page(e, r, null);
            case "get_profiles_for_list" -> profiles.page(e, r, data.find("list", r.pathParam("id"), ProfileList.class)
                    .orElseThrow(() -> notFound("list", r.pathParam("id"))).id());
            case "get_profiles_for_segment" -> profiles.page(e, r, data.find("segment", r.pathParam("id"), Segment.class)
                    .orElseThrow(() -> notFound("segment", r.pathParam("id"))).id());
            case "get_list" -> {
                ProfileList l = data.find("list", r.pathParam("id"), ProfileList.class).orElse(null);
                yield single(e, r, "list", l, inc -> profiles.withCount(resources.list(l, inc), l.id(), r, "list"));
            }
            case "get_segment" -> {
                Segment sg = data.find("segment", r.pathParam("id"), Segment.class).orElse(null);
                yield single(e, r, "segment", sg, inc -> profiles.withCount(resources.segment(sg, inc), sg.id(), r, "segment"));
            }
            case "get_event" -> {
                int[] at = data.events().locate(r.pathParam("id"));
                yield single(e, r, "event", at, inc -> resources.event(data.events().event(at[0], at[1]), inc));
            }
            case "get_campaign" -> single(e, r, "campaign", data.find("campaign", r.pathParam("id"), Campaign.class).orElse(null),
                    inc -> resources.campaign(data.find("campaign", r.pathParam("id"), Campaign.class).orElseThrow(), inc));
            case "get_template" -> single(e, r, "template", data.find("template", r.pathParam("id"), Template.class).orElse(null),
                    inc -> resources.template(data.find("template", r.pathParam("id"), Template.class).orElseThrow()));
            case "get_tag" -> single(e, r, "tag", data.find("tag", r.pathParam("id"), Tag.class).orElse(null),
                    inc -> resources.tag(data.find("tag", r.pathParam("id"), Tag.class).orElseThrow(), inc));
            case "get_flow_action" -> single(e, r, "flow-action", data.find("flow-action", r.pathParam("id"), FlowAction.class).orElse(null),
                    inc -> resources.flowAction(data.find("flow-action", r.pathParam("id"), FlowAction.class).orElseThrow(), inc));
            case "get_profile" -> profiles.one(e, r);
            case "get_events" -> events.page(e, r);
            case "get_metrics" -> list(e, r, "metric", data.metrics(), (m, inc) -> resources.metric(m, inc), Map.of());
            case "get_metric" -> single(e, r, "metric", data.find("metric", r.pathParam("id"), Metric.class).map(m -> (Object) m).orElse(null),
                    inc -> resources.metric(data.find("metric", r.pathParam("id"), Metric.class).orElseThrow(), inc));
            case "get_flows" -> list(e, r, "flow", data.flows(), (f, inc) -> resources.flow(f, inc), Map.of());
            case "get_flow" -> single(e, r, "flow", data.find("flow", r.pathParam("id"), Flow.class).orElse(null), inc -> {
                Flow f = data.find("flow", r.pathParam("id"), Flow.class).orElseThrow();
                ObjectNode n = resources.flow(f, inc);
                List<String> extra = r.query().getOrDefault("additional-fields[flow]", List.of());
                for (String v : extra) {
                    for (String x : v.split(",")) {
                        if (!x.isBlank() && !x.trim().equals("definition")) {
                            throw ApiException.invalidParameter("additional-fields[flow]", "'" + x + "' is not a valid additional field for 'flow'. Allowed values: definition.");
                        }
                    }
                }
                if (!extra.isEmpty()) ((ObjectNode) n.get("attributes")).set("definition", resources.flowDefinition(f));
                return n;
            });
            case "get_actions_for_flow" -> {
                Flow f = data.find("flow", r.pathParam("id"), Flow.class).orElseThrow(() -> notFound("flow", r.pathParam("id")));
                List<FlowAction> actions = data.flowActions().stream().filter(a -> a.flowId().equals(f.id())).toList();
                yield list(e, r, "flow-action", actions, (a, inc) -> resources.flowAction(a, inc),
                        Map.of("action_type", "attributes.definition.type", "status", "attributes.definition.data.status"));
            }
            case "get_flow_action_messages" -> {
                FlowAction a = data.find("flow-action", r.pathParam("id"), FlowAction.class).orElseThrow(() -> notFound("flow-action", r.pathParam("id")));
                List<FlowMessage> msgs = data.flowMessages().stream().filter(m -> m.actionId().equals(a.id())).toList();
                yield list(e, r, "flow-message", msgs, (m, inc) -> resources.flowMessage(m, inc), Map.of("name", "attributes.definition.name"));
            }
            case "get_flow_message" -> single(e, r, "flow-message", data.find("flow-message", r.pathParam("id"), FlowMessage.class).orElse(null),
                    inc -> resources.flowMessage(data.find("flow-message", r.pathParam("id"), FlowMessage.class).orElseThrow(), inc));
            case "get_campaigns" -> list(e, r, "campaign", data.campaigns(), (c, inc) -> {
                ObjectNode n = resources.campaign(c, inc);
                n.putObject("_x").put("channel", c.channel()); // lets the filter see messages.channel
                return n;
            }, Map.of("messages.channel", "_x.channel"));
            case "get_messages_for_campaign" -> {
                Campaign c = data.find("campaign", r.pathParam("id"), Campaign.class).orElseThrow(() -> notFound("campaign", r.pathParam("id")));
                QueryParams q = QueryParams.parse(e, "campaign-message", r.query());
                Set<String> inc = Set.copyOf(q.include());
                List<ObjectNode> items = new ArrayList<>();
                for (String id : c.messageIds()) items.add(resources.campaignMessage(data.find("campaign-message", id, CampaignMessage.class).orElseThrow(), inc));
                List<ObjectNode> included = Documents.included(items, q.include(), resources, q);
                items.replaceAll(n -> Documents.sparse(n, q));
                yield Documents.collection(items, included, !q.include().isEmpty(), self(r), null);
            }
            case "get_campaign_message" -> single(e, r, "campaign-message", data.find("campaign-message", r.pathParam("id"), CampaignMessage.class).orElse(null),
                    inc -> resources.campaignMessage(data.find("campaign-message", r.pathParam("id"), CampaignMessage.class).orElseThrow(), inc));
            case "get_lists" -> list(e, r, "list", data.lists(), (l, inc) -> resources.list(l, inc), Map.of());
            case "get_segments" -> list(e, r, "segment", data.segments(), (s, inc) -> resources.segment(s, inc), Map.of());
            case "get_templates" -> list(e, r, "template", data.templates(), (t, inc) -> resources.template(t), Map.of());
            case "get_tags" -> list(e, r, "tag", data.tags(), (t, inc) -> resources.tag(t, inc), Map.of());
            case "query_flow_values", "query_flow_series", "query_campaign_values" -> reports.values(operationId, r);
            case "query_metric_aggregates" -> aggregates.query(r);
            default -> throw new IllegalStateException("no handler for " + operationId);
        };
    }

    private String self(ApiRequest r) {
        return Documents.self(links, r);
    }

    private static ApiException notFound(String type, String id) {
        return ApiException.notFound("A " + type + " with id " + id + " does not exist.");
    }

    private ObjectNode single(Endpoint e, ApiRequest r, String type, Object found, Function<Set<String>, ObjectNode> render) {
        if (found == null) throw notFound(type, r.pathParam("id"));
        QueryParams q = QueryParams.parse(e, type, r.query());
        ObjectNode node = render.apply(Set.copyOf(q.include()));
        List<ObjectNode> included = Documents.included(List.of(node), q.include(), resources, q);
        return Documents.single(Documents.sparse(node, q), included, !q.include().isEmpty(), self(r));
    }

    /** Filter, sort and page an in-memory collection. Cursor: "o:<offset>". */
    private <T> ObjectNode list(Endpoint e, ApiRequest r, String type, List<T> items,
                                BiFunction<T, Set<String>, ObjectNode> render, Map<String, String> aliases) {
        QueryParams q = QueryParams.parse(e, type, r.query());
        Set<String> inc = Set.copyOf(q.include());
        List<Condition> filters = new ArrayList<>(q.filters());
        // Like Klaviyo, flows and campaigns leave archived ones out unless the filter asks about archived.
        if (e.filters().containsKey("archived") && filters.stream().noneMatch(c -> c.field().equals("archived"))) {
            filters.add(new Condition("equals", "archived", Boolean.FALSE));
        }
        List<ObjectNode> all = new ArrayList<>();
        for (T t : items) {
            ObjectNode n = render.apply(t, inc);
            if (Matcher.matches(n, filters, aliases)) all.add(n);
        }
        if (q.sortField() != null) all.sort(Matcher.sort(q.sortField(), q.sortDescending(), aliases));
        int size = e.paged() ? q.pageSize() : Math.max(200, all.size());
        int offset = 0;
        if (q.cursor() != null) offset = Documents.offsetCursor(Cursors.decode(q.cursor(), CURSOR), "o:");
        int end = Math.min(all.size(), offset + size);
        List<ObjectNode> page = new ArrayList<>(offset >= all.size() ? List.of() : all.subList(offset, end));
        page.forEach(n -> n.remove("_x"));
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(n -> Documents.sparse(n, q));
        String next = end < all.size() ? Documents.url(links.base(), r.path(), r.query(), CURSOR, Cursors.encode("o:" + end)) : null;
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), next);
    }



}

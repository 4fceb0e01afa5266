package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.CampaignMessage;
import dev.ksync.sandbox.data.DayEvents;
import dev.ksync.sandbox.data.EventLog;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.FlowAction;
import dev.ksync.sandbox.data.FlowMessage;
import dev.ksync.sandbox.data.Metric;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.ProfileList;
import dev.ksync.sandbox.data.Segment;
import dev.ksync.sandbox.data.Profiles;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.Endpoints;
import dev.ksync.sandbox.query.QueryParams;
import dev.ksync.sandbox.reports.Reports;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The Klaviyo endpoints: each takes an {@link ApiRequest} and returns the JSON:API document. */
public final class Api {
    private static final String CURSOR = "page[cursor]";

    private final SandboxData data;
    private final Endpoints endpoints;
    private final Links links;
    private final Resources resources;
    private final Reports reports;
    /** Lazily built profile orders for sorts other than id/created (index order). */
    private final Map<String, int[]> profileOrders = new ConcurrentHashMap<>();
    private final Map<String, Integer> memberCounts = new ConcurrentHashMap<>();

    public Api(SandboxData data, Endpoints endpoints, Links links, ObjectMapper mapper, java.time.Clock clock) {
        this.data = data;
        this.endpoints = endpoints;
        this.links = links;
        this.resources = new Resources(data, links, mapper);
        this.reports = new Reports(data, links, mapper, clock);
    }

    public Endpoints endpoints() { return endpoints; }

    public ObjectNode handle(String operationId, ApiRequest r) {
        Endpoint e = endpoints.get(operationId);
        return switch (operationId) {
            case "get_accounts" -> {
                QueryParams q = QueryParams.parse(e, "account", r.query());
                yield Documents.collection(List.of(Documents.sparse(resources.account(data.account()), q)), List.of(), false, self(r), null);
            }
            case "get_profiles" -> profiles(e, r, null);
            case "get_profiles_for_list" -> profiles(e, r, data.find("list", r.pathParam("id"), ProfileList.class)
                    .orElseThrow(() -> notFound("list", r.pathParam("id"))).id());
            case "get_profiles_for_segment" -> profiles(e, r, data.find("segment", r.pathParam("id"), Segment.class)
                    .orElseThrow(() -> notFound("segment", r.pathParam("id"))).id());
            case "get_list" -> {
                ProfileList l = data.find("list", r.pathParam("id"), ProfileList.class).orElse(null);
                yield single(e, r, "list", l, inc -> withCount(resources.list(l, inc), l.id(), r, "list"));
            }
            case "get_segment" -> {
                Segment sg = data.find("segment", r.pathParam("id"), Segment.class).orElse(null);
                yield single(e, r, "segment", sg, inc -> withCount(resources.segment(sg, inc), sg.id(), r, "segment"));
            }
            case "get_event" -> {
                int[] at = data.events().locate(r.pathParam("id"));
                yield single(e, r, "event", at, inc -> resources.event(data.events().event(at[0], at[1]), inc));
            }
            case "get_campaign" -> single(e, r, "campaign", data.find("campaign", r.pathParam("id"), Campaign.class).orElse(null),
                    inc -> resources.campaign(data.find("campaign", r.pathParam("id"), Campaign.class).orElseThrow(), inc));
            case "get_template" -> single(e, r, "template", data.find("template", r.pathParam("id"), dev.ksync.sandbox.data.Template.class).orElse(null),
                    inc -> resources.template(data.find("template", r.pathParam("id"), dev.ksync.sandbox.data.Template.class).orElseThrow()));
            case "get_tag" -> single(e, r, "tag", data.find("tag", r.pathParam("id"), dev.ksync.sandbox.data.Tag.class).orElse(null),
                    inc -> resources.tag(data.find("tag", r.pathParam("id"), dev.ksync.sandbox.data.Tag.class).orElseThrow(), inc));
            case "get_flow_action" -> single(e, r, "flow-action", data.find("flow-action", r.pathParam("id"), FlowAction.class).orElse(null),
                    inc -> resources.flowAction(data.find("flow-action", r.pathParam("id"), FlowAction.class).orElseThrow(), inc));
            case "get_profile" -> profile(e, r);
            case "get_events" -> events(e, r);
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
            case "query_metric_aggregates" -> reports.metricAggregates(r);
            default -> throw new IllegalStateException("no handler for " + operationId);
        };
    }

    private String self(ApiRequest r) {
        List<String> cursor = r.query().get(CURSOR);
        return Documents.url(links.base(), r.path(), r.query(), CURSOR, cursor == null || cursor.isEmpty() ? null : cursor.get(0));
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
                                java.util.function.BiFunction<T, Set<String>, ObjectNode> render, Map<String, String> aliases) {
        QueryParams q = QueryParams.parse(e, type, r.query());
        Set<String> inc = Set.copyOf(q.include());
        List<ObjectNode> all = new ArrayList<>();
        for (T t : items) {
            ObjectNode n = render.apply(t, inc);
            if (Matcher.matches(n, q.filters(), aliases)) all.add(n);
        }
        if (q.sortField() != null) all.sort(Matcher.sort(q.sortField(), q.sortDescending(), aliases));
        int size = e.paged() ? q.pageSize() : Math.max(200, all.size());
        int offset = 0;
        if (q.cursor() != null) offset = offsetCursor(Cursors.decode(q.cursor(), CURSOR), "o:");
        int end = Math.min(all.size(), offset + size);
        List<ObjectNode> page = new ArrayList<>(offset >= all.size() ? List.of() : all.subList(offset, end));
        page.forEach(n -> n.remove("_x"));
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(n -> Documents.sparse(n, q));
        String next = end < all.size() ? Documents.url(links.base(), r.path(), r.query(), CURSOR, Cursors.encode("o:" + end)) : null;
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), next);
    }

    private static int offsetCursor(String decoded, String prefix) {
        try {
            if (decoded.startsWith(prefix)) {
                int v = Integer.parseInt(decoded.substring(prefix.length()));
                if (v >= 0) return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.invalidParameter(CURSOR, "Invalid page cursor. Pass the value from links.next unchanged.");
    }

    // ---- profiles ----

    /** additional-fields[list|segment]=profile_count: the member count, counted once and cached. */
    private ObjectNode withCount(ObjectNode node, String audienceId, ApiRequest r, String type) {
        List<String> extra = r.query().getOrDefault("additional-fields[" + type + "]", List.of());
        if (extra.stream().anyMatch(v -> v.contains("profile_count"))) {
            int count = memberCounts.computeIfAbsent(audienceId, id -> {
                int n = 0;
                for (int i = 0; i < data.profileCount(); i++) if (data.profiles().inAudience(i, id)) n++;
                return n;
            });
            ((ObjectNode) node.get("attributes")).put("profile_count", count);
        }
        return node;
    }

    private ObjectNode profile(Endpoint e, ApiRequest r) {
        Profile p = data.profileById(r.pathParam("id")).orElseThrow(() -> notFound("profile", r.pathParam("id")));
        QueryParams q = QueryParams.parse(e, "profile", r.query());
        ObjectNode node = resources.profile(p, q.wants("profile", "subscriptions"), q.wants("profile", "predictive_analytics"), Set.copyOf(q.include()));
        List<ObjectNode> included = Documents.included(List.of(node), q.include(), resources, q);
        return Documents.single(Documents.sparse(node, q), included, !q.include().isEmpty(), self(r));
    }

    /** GET /api/profiles, or a list's/segment's members when {@code audienceId} is set (joined_group_at = created). */
    private ObjectNode profiles(Endpoint e, ApiRequest r, String audienceId) {
        QueryParams q = QueryParams.parse(e, "profile", r.query());
        Profiles ps = data.profiles();
        int n = ps.count();
        boolean subs = q.wants("profile", "subscriptions"), pred = q.wants("profile", "predictive_analytics");
        Set<String> inc = Set.copyOf(q.include());
        // Candidates: a few indices when id/email are pinned, otherwise every profile in sort order.
        int[] candidates = pinned(q.filters(), ps);
        int[] order = null;
        String sort = q.sortField() == null || q.sortField().equals("joined_group_at") ? "id" : q.sortField();
        if (candidates != null) {
            candidates = sortCandidates(candidates, sort, q.sortDescending());
        } else if (!sort.equals("id") && !sort.equals("created")) {
            order = profileOrders.computeIfAbsent(sort, this::buildOrder);
        }
        int total = candidates != null ? candidates.length : n;
        int pos = 0;
        if (q.cursor() != null) pos = offsetCursor(Cursors.decode(q.cursor(), CURSOR), "p:");
        else if (candidates == null) pos = startPosition(q, sort, order, n);
        List<Condition> rest = q.filters();
        List<ObjectNode> page = new ArrayList<>();
        int nextPos = -1;
        for (int k = pos; k < total; k++) {
            int at = q.sortDescending() ? total - 1 - k : k;
            int idx = candidates != null ? candidates[at] : order != null ? order[at] : at;
            if (audienceId != null && !ps.inAudience(idx, audienceId)) continue;
            Profile p = ps.profile(idx);
            if (!rest.isEmpty()) {
                ObjectNode full = resources.profile(p, true, false, Set.of());
                if (audienceId != null) ((ObjectNode) full.get("attributes")).put("joined_group_at", Json.time(p.created()));
                if (!Matcher.matches(full, rest, Map.of("profile_id", "id"))) continue;
            }
            if (page.size() == q.pageSize()) { nextPos = k; break; }
            ObjectNode node = resources.profile(p, subs, pred, inc);
            if (audienceId != null) {
                ((ObjectNode) node.get("attributes")).put("joined_group_at", Json.time(p.created()));
                ((ObjectNode) node.get("relationships")).remove("conversations");
            }
            page.add(node);
        }
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(x -> Documents.sparse(x, q));
        String next = nextPos < 0 ? null : Documents.url(links.base(), r.path(), r.query(), CURSOR, Cursors.encode("p:" + nextPos));
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), next);
    }

    /** Indices named by equals/any on id or email, or null when the filter pins none. */
    private static int[] pinned(List<Condition> filters, Profiles ps) {
        for (Condition c : filters) {
            if (!(c.operator().equals("equals") || c.operator().equals("any"))) continue;
            if (!c.field().equals("id") && !c.field().equals("email") && !c.field().equals("profile_id")) continue;
            List<Integer> out = new ArrayList<>();
            for (Object v : c.values()) {
                if (!(v instanceof String s)) continue;
                int i = c.field().equals("email") ? indexFromEmail(s, ps) : ps.indexOf(s);
                if (i >= 0 && !out.contains(i)) out.add(i);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
        return null;
    }

    /** Generated emails end in ".<index>@domain"; the address must match exactly. */
    private static int indexFromEmail(String email, Profiles ps) {
        int at = email.indexOf('@'), dot = email.lastIndexOf('.', at);
        if (at < 0 || dot < 0) return -1;
        try {
            int i = Integer.parseInt(email.substring(dot + 1, at));
            return i >= 0 && i < ps.count() && email.equals(ps.emailAddress(i)) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int[] sortCandidates(int[] c, String sort, boolean desc) {
        Integer[] boxed = java.util.Arrays.stream(c).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(boxed, Comparator.comparing((Integer i) -> profileSortKey(i, sort), Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(i -> i));
        return java.util.Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    private String profileSortKey(int i, String sort) {
        Profiles ps = data.profiles();
        return switch (sort) {
            case "updated" -> String.format("%015d", ps.updatedMillis(i));
            case "email" -> ps.emailAddress(i);
            case "subscriptions.email.marketing.suppression.timestamp" -> {
                Profile p = ps.profile(i);
                yield p.emailMarketing().suppression().isEmpty() ? null : Json.time(p.emailMarketing().suppression().get(0).timestamp());
            }
            case "subscriptions.email.marketing.list_suppressions.timestamp" -> {
                Profile p = ps.profile(i);
                yield p.emailMarketing().listSuppressions().isEmpty() ? null : Json.time(p.emailMarketing().listSuppressions().get(0).timestamp());
            }
            default -> String.format("%010d", i);
        };
    }

    private int[] buildOrder(String sort) {
        Profiles ps = data.profiles();
        int n = ps.count();
        if (sort.equals("updated")) {
            long[] keys = new long[n];
            // updated is whole seconds: seconds in the high bits, index in the low 24+ bits
            for (int i = 0; i < n; i++) keys[i] = (ps.updatedMillis(i) / 1000) << 26 | i;
            java.util.Arrays.sort(keys);
            int[] out = new int[n];
            for (int k = 0; k < n; k++) out[k] = (int) (keys[k] & ((1 << 26) - 1));
            return out;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) keys[i] = profileSortKey(i, sort);
        java.util.Arrays.sort(idx, Comparator.comparing((Integer i) -> keys[i], Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(i -> i));
        int[] out = new int[n];
        for (int k = 0; k < n; k++) out[k] = idx[k];
        return out;
    }

    /** Skips ahead when an ascending sort on created/updated meets a greater-than on the same field. */
    private int startPosition(QueryParams q, String sort, int[] order, int n) {
        if (q.sortDescending()) return 0;
        Profiles ps = data.profiles();
        for (Condition c : q.filters()) {
            if (!c.operator().equals("greater-than") || !(c.value() instanceof Instant t)) continue;
            if (c.field().equals("created") && (sort.equals("id") || sort.equals("created"))) {
                return Math.max(0, ps.countCreatedBy(t.toEpochMilli()) - 1);
            }
            if (c.field().equals("updated") && sort.equals("updated") && order != null) {
                int lo = 0, hi = n;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (ps.updatedMillis(order[mid]) <= t.toEpochMilli()) lo = mid + 1; else hi = mid;
                }
                return Math.max(0, lo - 1);
            }
        }
        return 0;
    }

    // ---- events ----

    private ObjectNode events(Endpoint e, ApiRequest r) {
        QueryParams q = QueryParams.parse(e, "event", r.query());
        EventLog log = data.events();
        long from = Long.MIN_VALUE, to = Long.MAX_VALUE; // [from, to) in epoch seconds
        Integer metric = null;
        int profile = -2;
        for (Condition c : q.filters()) {
            switch (c.field()) {
                case "metric_id" -> {
                    Integer m = null;
                    for (Object v : c.values()) m = log.metricIndexOf(String.valueOf(v));
                    metric = m == null ? -1 : m;
                }
                case "profile_id" -> profile = data.profiles().indexOf(String.valueOf(c.value()));
                case "datetime", "timestamp" -> {
                    long s = c.value() instanceof Instant t ? t.getEpochSecond() : ((BigDecimal) c.value()).longValue();
                    long sCeil = c.value() instanceof Instant t && t.getNano() > 0 ? s + 1 : s;
                    switch (c.operator()) {
                        case "greater-than" -> from = Math.max(from, (c.value() instanceof Instant t && t.getNano() > 0) ? sCeil : s + 1);
                        case "greater-or-equal" -> from = Math.max(from, sCeil);
                        case "less-than" -> to = Math.min(to, sCeil);
                        case "less-or-equal" -> to = Math.min(to, s + 1);
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        boolean desc = q.sortDescending();
        Set<String> inc = Set.copyOf(q.include());
        int days = log.days();
        int d0 = from == Long.MIN_VALUE ? 0 : log.firstDayFrom(from);
        int d1 = to == Long.MAX_VALUE ? days - 1 : Math.min(days - 1, log.firstDayFrom(to - 1));
        int day, pos;
        if (q.cursor() != null) {
            String c = Cursors.decode(q.cursor(), CURSOR);
            String[] parts = c.split(":");
            try {
                if (parts.length != 3 || !parts[0].equals("e")) throw new NumberFormatException();
                day = Integer.parseInt(parts[1]);
                pos = Integer.parseInt(parts[2]);
            } catch (NumberFormatException ex) {
                throw ApiException.invalidParameter(CURSOR, "Invalid page cursor. Pass the value from links.next unchanged.");
            }
        } else {
            day = desc ? d1 : d0;
            pos = desc ? Integer.MAX_VALUE : 0;
        }
        List<ObjectNode> page = new ArrayList<>();
        String next = null;
        boolean noMatch = (metric != null && metric < 0) || profile == -1;
        outer:
        while (!noMatch && (desc ? day >= d0 : day <= d1) && day >= 0 && day < days) {
            DayEvents de = log.day(day);
            int p = desc ? Math.min(pos, de.size - 1) : pos;
            for (; desc ? p >= 0 : p < de.size; p += desc ? -1 : 1) {
                long s = de.epochSecond(p);
                if (s < from || s >= to) continue;
                if (metric != null && de.metricIndex(p) != metric) continue;
                if (profile >= 0 && de.profileIndex(p) != profile) continue;
                if (page.size() == q.pageSize()) {
                    next = Cursors.encode("e:" + day + ":" + p);
                    break outer;
                }
                page.add(resources.event(log.event(day, p), inc));
            }
            day += desc ? -1 : 1;
            pos = desc ? Integer.MAX_VALUE : 0;
        }
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(x -> Documents.sparse(x, q));
        String nextUrl = next == null ? null : Documents.url(links.base(), r.path(), r.query(), CURSOR, next);
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), nextUrl);
    }
}

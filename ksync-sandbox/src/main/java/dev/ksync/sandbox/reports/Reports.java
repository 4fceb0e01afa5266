package dev.ksync.sandbox.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.api.ApiRequest;
import dev.ksync.sandbox.api.Json;
import dev.ksync.sandbox.api.Links;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.CampaignMessage;
import dev.ksync.sandbox.data.DayEvents;
import dev.ksync.sandbox.data.EventLog;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.FlowMessage;
import dev.ksync.sandbox.data.Ids;
import dev.ksync.sandbox.data.Rng;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.data.Tag;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.FilterParser;
import dev.ksync.sandbox.query.ReportLimits;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Klaviyo's reporting endpoints computed from the same events the events API serves: a row per
 * group of flow/campaign message attributes, counting the message's events in the window (account
 * timezone). Conversions are events of the conversion metric attributed to the message.
 */
public final class Reports {
    /** Result rows per page before links.next carries a page_cursor. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    private static final List<String> FLOW_GROUPS = List.of("flow_id", "flow_message_id", "flow_message_name", "flow_name",
            "send_channel", "tag_id", "tag_name", "text_message_format", "variation", "variation_name");
    private static final List<String> CAMPAIGN_GROUPS = List.of("campaign_id", "campaign_message_id", "campaign_message_name",
            "group", "group_name", "send_channel", "tag_id", "tag_name", "text_message_format", "variation", "variation_name");
    /** The campaign DTO's filter attributes: its group_by keys but group and group_name (the flow DTO's are its group_by keys). */
    private static final List<String> CAMPAIGN_FILTERS = CAMPAIGN_GROUPS.stream().filter(g -> !g.startsWith("group")).toList();

    private final SandboxData data;
    private final Links links;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int pageSize;

    public Reports(SandboxData data, Links links, ObjectMapper mapper, Clock clock) {
        this(data, links, mapper, clock, DEFAULT_PAGE_SIZE);
    }

    public Reports(SandboxData data, Links links, ObjectMapper mapper, Clock clock, int pageSize) {
        this.data = data;
        this.links = links;
        this.mapper = mapper;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    private JsonNode body(ApiRequest r) {
        return body(mapper, r);
    }

    static JsonNode body(ObjectMapper mapper, ApiRequest r) {
        try {
            JsonNode b = mapper.readTree(r.body() == null ? "" : r.body());
            if (b == null || !b.path("data").isObject()) throw ApiException.invalidBody("/data", "The request body must be a JSON:API document with a data object.");
            return b;
        } catch (JsonProcessingException e) {
            throw ApiException.invalidBody("/data", "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public ObjectNode values(String operationId, ApiRequest r) {
        boolean flows = !operationId.equals("query_campaign_values");
        boolean series = operationId.equals("query_flow_series");
        String type = switch (operationId) {
            case "query_flow_values" -> "flow-values-report";
            case "query_flow_series" -> "flow-series-report";
            default -> "campaign-values-report";
        };
        JsonNode d = body(r).get("data");
        if (!type.equals(d.path("type").asText())) throw ApiException.invalidBody("/data/type", "data.type must be '" + type + "'.");
        JsonNode a = d.path("attributes");
        List<String> stats = new ArrayList<>();
        if (!a.path("statistics").isArray() || a.path("statistics").isEmpty()) {
            throw ApiException.invalidBody("/data/attributes/statistics", "statistics is required: a list of statistic names.");
        }
        for (JsonNode s : a.get("statistics")) {
            if (!Statistics.NAMES.contains(s.asText())) {
                throw ApiException.invalidBody("/data/attributes/statistics", "'" + s.asText() + "' is not a valid statistic. Allowed values: "
                        + String.join(", ", Statistics.NAMES) + ".");
            }
            if (!stats.contains(s.asText())) stats.add(s.asText());
        }
        ReportLimits.Interval iv = !series ? null : ReportLimits.Interval.parse(a.path("interval").asText("")).orElseThrow(() ->
                ApiException.invalidBody("/data/attributes/interval", "interval is required: hourly, daily, weekly or monthly."));
        String interval = iv == null ? null : iv.wire();
        ZoneId zone = data.timezone();
        Timeframes.Window w = Timeframes.resolve(a.get("timeframe"), iv, zone, clock.instant(), "/data/attributes/timeframe");
        String conversionMetric = a.path("conversion_metric_id").asText(null);
        if (conversionMetric == null || conversionMetric.isBlank()) {
            throw ApiException.invalidBody("/data/attributes/conversion_metric_id", "conversion_metric_id is required.");
        }
        Integer conversionIndex = data.events().metricIndexOf(conversionMetric);
        if (conversionIndex == null) {
            throw ApiException.invalidBody("/data/attributes/conversion_metric_id", "Metric " + conversionMetric + " does not exist.");
        }
        List<String> allowedGroups = flows ? FLOW_GROUPS : CAMPAIGN_GROUPS;
        List<String> groupBy = new ArrayList<>();
        String idKey = flows ? "flow_id" : "campaign_id", msgKey = flows ? "flow_message_id" : "campaign_message_id";
        if (a.path("group_by").isArray() && !a.get("group_by").isEmpty()) {
            for (JsonNode g : a.get("group_by")) {
                if (!allowedGroups.contains(g.asText())) {
                    throw ApiException.invalidBody("/data/attributes/group_by", "'" + g.asText() + "' is not a valid group_by. Allowed values: "
                            + String.join(", ", allowedGroups) + ".");
                }
                groupBy.add(g.asText());
            }
            if (!groupBy.contains(idKey) || !groupBy.contains(msgKey)) {
                throw ApiException.invalidBody("/data/attributes/group_by", "group_by must include " + idKey + " and " + msgKey + ".");
            }
        } else {
            groupBy.addAll(List.of(idKey, "send_channel", msgKey));
        }
        List<Condition> filters = FilterParser.parse(a.path("filter").isTextual() ? a.get("filter").asText() : null, "filter");
        checkFilters(filters, flows ? FLOW_GROUPS : CAMPAIGN_FILTERS);

        List<ZonedDateTime> buckets = series ? buckets(w, interval) : List.of(w.start());
        // One Statistics per (group key, bucket).
        Map<String, Map<String, Object>> groupValues = new TreeMap<>();
        Map<String, Statistics[]> acc = new LinkedHashMap<>();
        EventLog log = data.events();
        long from = w.from().getEpochSecond(), to = w.to().getEpochSecond();
        Set<String> flowIds = new LinkedHashSet<>(), messageIds = new LinkedHashSet<>();
        for (int day = log.firstDayFrom(from); day < log.days() && log.dayStart(day).getEpochSecond() < to; day++) {
            DayEvents de = log.day(day);
            for (int p = 0; p < de.size; p++) {
                long s = de.epochSecond(p);
                if (s < from || s >= to) continue;
                int mi = de.messageIndex(p);
                if (mi < 0) continue;
                Object msg = log.message(mi);
                if (flows != (msg instanceof FlowMessage)) continue;
                int metric = de.metricIndex(p);
                boolean conversion = metric == conversionIndex;
                if (!conversion && metric > EventLog.UNSUBSCRIBED_SMS) continue;
                for (Map<String, Object> g : groupings(msg, groupBy)) {
                    if (!passes(g, filters, msg)) continue;
                    String key = g.toString();
                    groupValues.putIfAbsent(key, g);
                    Statistics[] st = acc.computeIfAbsent(key, k -> {
                        Statistics[] x = new Statistics[buckets.size()];
                        for (int i = 0; i < x.length; i++) x[i] = new Statistics();
                        return x;
                    });
                    int b = series ? bucketOf(buckets, s) : 0;
                    if (b < 0) continue;
                    count(st[b], metric, conversion, de, day, p, log);
                    if (msg instanceof FlowMessage fm) { flowIds.add(fm.flowId()); messageIds.add(fm.id()); }
                    else if (msg instanceof CampaignMessage cm) { flowIds.add(cm.campaignId()); messageIds.add(cm.id()); }
                }
            }
        }
        List<String> keys = new ArrayList<>(groupValues.keySet());
        int offset = 0;
        List<String> pc = r.query().get("page_cursor");
        if (pc != null && !pc.isEmpty()) {
            String c = Cursors.decode(pc.get(0), "page_cursor");
            try {
                offset = Integer.parseInt(c.substring(2));
            } catch (RuntimeException e) {
                throw ApiException.invalidParameter("page_cursor", "Invalid page_cursor. Pass the value from links.next unchanged.");
            }
        }
        int end = Math.min(keys.size(), offset + pageSize);
        ObjectNode doc = Json.obj();
        ObjectNode dn = doc.putObject("data");
        dn.put("type", type);
        dn.put("id", Ids.uuid(Rng.hash(data.seed(), (r.body() + offset).hashCode())));
        ObjectNode attrs = dn.putObject("attributes");
        ArrayNode results = attrs.putArray("results");
        for (int k = offset; k < end; k++) {
            String key = keys.get(k);
            ObjectNode row = results.addObject();
            row.set("groupings", mapper.valueToTree(groupValues.get(key)));
            ObjectNode sn = row.putObject("statistics");
            Statistics[] st = acc.get(key);
            for (String name : stats) {
                if (series) {
                    ArrayNode arr = sn.putArray(name);
                    for (Statistics s : st) arr.add(mapper.valueToTree(s.value(name)));
                } else {
                    sn.set(name, mapper.valueToTree(st[0].value(name)));
                }
            }
        }
        if (series) {
            ArrayNode dt = attrs.putArray("date_times");
            for (ZonedDateTime b : buckets) dt.add(Json.localLabelledUtc(b));
        }
        ObjectNode rel = dn.putObject("relationships");
        ObjectNode r1 = rel.putObject(flows ? "flows" : "campaigns");
        ArrayNode r1d = r1.putArray("data");
        for (String id : flowIds) r1d.add(Json.ref(flows ? "flow" : "campaign", id));
        ObjectNode r1l = r1.putObject("links");
        r1l.put("self", links.base() + r.path() + "/relationships/" + (flows ? "flows" : "campaigns") + "/");
        r1l.put("related", links.base() + "/api/" + (flows ? "flows" : "campaigns") + "/");
        if (flows) {
            ObjectNode r2 = rel.putObject("flow-messages");
            ArrayNode r2d = r2.putArray("data");
            for (String id : messageIds) r2d.add(Json.ref("flow-message", id));
            ObjectNode r2l = r2.putObject("links");
            r2l.put("self", links.base() + r.path() + "/relationships/flow-messages/");
            r2l.put("related", links.base() + "/api/flow-messages/");
        }
        ObjectNode l = doc.putObject("links");
        String self = links.base() + r.path();
        l.put("self", self);
        l.put("next", end < keys.size() ? self + "?page_cursor=" + Cursors.encode("r:" + end) : null);
        l.putNull("prev");
        return doc;
    }

    private static void count(Statistics st, int metric, boolean conversion, DayEvents de, int day, int p, EventLog log) {
        int profile = de.profileIndex(p);
        if (conversion) {
            st.conversions++;
            st.converters.add(profile);
            Object v = log.event(day, p).properties().get("$value");
            if (v instanceof BigDecimal b) st.conversionValue = st.conversionValue.add(b);
            else if (v instanceof Number n) st.conversionValue = st.conversionValue.add(new BigDecimal(n.toString()));
            return;
        }
        switch (metric) {
            case EventLog.RECEIVED_EMAIL -> st.delivered++;
            case EventLog.RECEIVED_SMS -> { st.delivered++; st.smsSegments++; }
            case EventLog.BOUNCED_EMAIL -> st.bounced++;
            case EventLog.FAILED_SMS -> st.failed++;
            case EventLog.OPENED_EMAIL -> { st.opens++; st.openers.add(profile); }
            case EventLog.CLICKED_EMAIL, EventLog.CLICKED_SMS -> { st.clicks++; st.clickers.add(profile); }
            case EventLog.UNSUBSCRIBED, EventLog.UNSUBSCRIBED_SMS -> { st.unsubscribes++; st.unsubscribers.add(profile); }
            case EventLog.SPAM -> st.spam++;
            default -> { }
        }
    }

    /** The grouping values of a message (several rows when grouped by tag and the object has several tags). */
    private List<Map<String, Object>> groupings(Object msg, List<String> groupBy) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> tagIds;
        String channel;
        if (msg instanceof FlowMessage fm) {
            tagIds = data.find("flow", fm.flowId(), Flow.class).map(Flow::tagIds).orElse(List.of());
            channel = fm.channel();
        } else {
            CampaignMessage cm = (CampaignMessage) msg;
            tagIds = data.find("campaign", cm.campaignId(), Campaign.class).map(Campaign::tagIds).orElse(List.of());
            channel = cm.channel();
        }
        boolean byTag = groupBy.contains("tag_id") || groupBy.contains("tag_name");
        List<String> tags = byTag ? (tagIds.isEmpty() ? Collections.singletonList(null) : tagIds) : Collections.singletonList(null);
        for (String tag : tags) {
            Map<String, Object> g = new LinkedHashMap<>();
            for (String k : groupBy) g.put(k, groupValue(msg, k, tag, channel));
            out.add(g);
        }
        return out;
    }

    /** The report DTOs' filter rules: fields and operators, one filter per attribute, list lengths, send channels. */
    private static void checkFilters(List<Condition> filters, List<String> fields) {
        Set<String> seen = new HashSet<>();
        for (Condition c : filters) {
            if (!fields.contains(c.field())) {
                throw ApiException.invalidBody("/data/attributes/filter", "'" + c.field() + "' is not a valid filter field. Allowed fields: "
                        + String.join(", ", fields) + ".");
            }
            Set<String> ops = c.field().startsWith("tag_") ? Set.of("contains-any", "contains-all") : Set.of("equals", "contains-any");
            if (!ops.contains(c.operator())) {
                throw ApiException.invalidBody("/data/attributes/filter", "'" + c.operator() + "' is not valid for '" + c.field() + "'. Allowed operators: "
                        + String.join(", ", new TreeSet<>(ops)) + ".");
            }
            if (!seen.add(c.field())) {
                throw ApiException.invalidBody("/data/attributes/filter", "'" + c.field() + "' is filtered more than once. " + ReportLimits.ONE_FILTER_RULE);
            }
            if (c.value() instanceof List<?> l && l.size() > ReportLimits.MAX_FILTER_LIST) {
                throw ApiException.invalidBody("/data/attributes/filter", "The list for '" + c.field() + "' has " + l.size()
                        + " items. " + ReportLimits.MAX_FILTER_LIST_RULE);
            }
            if (c.field().equals("send_channel")) {
                for (Object v : c.values()) {
                    if (!ReportLimits.SEND_CHANNELS.contains(String.valueOf(v))) {
                        throw ApiException.invalidBody("/data/attributes/filter", "'" + v + "' is not a valid send_channel. " + ReportLimits.SEND_CHANNEL_RULE);
                    }
                }
            }
        }
    }

    private Object groupValue(Object msg, String key, String tagId, String channel) {
        return switch (key) {
            case "flow_id" -> ((FlowMessage) msg).flowId();
            case "flow_message_id" -> ((FlowMessage) msg).id();
            case "flow_message_name" -> ((FlowMessage) msg).name();
            case "flow_name" -> data.find("flow", ((FlowMessage) msg).flowId(), Flow.class).map(Flow::name).orElse(null);
            case "campaign_id" -> ((CampaignMessage) msg).campaignId();
            case "campaign_message_id" -> ((CampaignMessage) msg).id();
            case "campaign_message_name" -> ((CampaignMessage) msg).label();
            case "send_channel" -> channel;
            case "tag_id" -> tagId;
            case "tag_name" -> tagId == null ? null : data.find("tag", tagId, Tag.class).map(Tag::name).orElse(null);
            case "text_message_format" -> channel.equals("sms") ? "SMS" : null;
            default -> null; // variation, group: the sandbox runs no A/B tests
        };
    }

    private static boolean passes(Map<String, Object> g, List<Condition> filters, Object msg) {
        for (Condition c : filters) {
            Object v = g.containsKey(c.field()) ? g.get(c.field()) : null;
            boolean ok = switch (c.operator()) {
                case "equals" -> String.valueOf(c.value()).equals(String.valueOf(v));
                case "contains-any", "contains-all" -> c.values().stream().anyMatch(x -> String.valueOf(x).equals(String.valueOf(v)));
                default -> false;
            };
            if (!ok) return false;
        }
        return true;
    }

    static List<ZonedDateTime> buckets(Timeframes.Window w, String interval) {
        List<ZonedDateTime> out = new ArrayList<>();
        ZonedDateTime t = switch (interval) {
            case "hourly" -> w.start().truncatedTo(ChronoUnit.HOURS);
            case "weekly", "daily" -> w.start().toLocalDate().atStartOfDay(w.start().getZone());
            default -> w.start().toLocalDate().withDayOfMonth(1).atStartOfDay(w.start().getZone());
        };
        while (t.isBefore(w.end())) {
            out.add(t);
            t = switch (interval) {
                case "hourly" -> t.plusHours(1);
                case "daily" -> t.plusDays(1);
                case "weekly" -> t.plusWeeks(1);
                default -> t.plusMonths(1);
            };
        }
        return out;
    }

    static int bucketOf(List<ZonedDateTime> buckets, long epochSecond) {
        int lo = 0, hi = buckets.size() - 1, ans = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (buckets.get(mid).toEpochSecond() <= epochSecond) { ans = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return ans;
    }


}

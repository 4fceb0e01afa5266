package dev.ksync.flows;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import dev.ksync.flows.FlowCatalog.FlowInfo;
import dev.ksync.flows.FlowCatalog.MessageInfo;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.reporting.AccountZone;
import dev.ksync.reporting.ConversionMetric;
import dev.ksync.reporting.Metrics;
import dev.ksync.reporting.ReportCache;
import dev.ksync.reporting.ReportPlan;
import dev.ksync.reporting.ReportPlanner;
import dev.ksync.reporting.ReportJob;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportWindow;
import dev.ksync.reporting.Resources;
import dev.ksync.reporting.Statistic;
import dev.ksync.request.Choices;
import dev.ksync.sync.RowSample;
import dev.ksync.sync.RowSink;
import dev.ksync.sync.SyncContext;
import dev.ksync.sync.SyncJob;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds flows.csv from the fewest Klaviyo calls: the account (timezone), the conversion metric, one flows listing
 * with actions and tags included, then the planned report calls (a year of days is 7 daily series reports). Rows
 * reach the sink window by window, sorted by Day then IDs, so memory holds one window and reruns are identical.
 * A {@link SyncJob}: the {@link dev.ksync.sync.SyncRunner} streams or stores what it writes.
 */
public final class FlowSync extends ReportJob<FlowSyncRequest, FlowSyncReport> {
    public static final String FILE = "flows.csv";

    /**
     * @param placedOrderMetricId SHOPIFY_PLACED_ORDER_METRIC_ID
     * @param rowBudget           FLOW_ROW_BUDGET: most rows a sync may write
     */
    public record Settings(Optional<String> placedOrderMetricId, int rowBudget) {}

    private final Settings settings;

    /** @param quota the report calls each account may still spend today, asked before any is spent */
    public FlowSync(Settings settings, ReportQuota quota, Clock clock) {
        this(settings, quota, ReportCache.none(), clock);
    }

    /** @param cache walked flows and the conversion metric per account, kept between runs */
    public FlowSync(Settings settings, ReportQuota quota, ReportCache cache, Clock clock) {
        super("flows", FILE, FlowSchema.HEADER, settings.placedOrderMetricId(), quota, cache, clock);
        this.settings = settings;
    }

    @Override
    public String summary(FlowSyncRequest req, FlowSyncReport r) {
        return r.days() + " days, " + r.plan().reportCalls() + " " + r.plan().operationId() + " calls";
    }

    /** Writes the rows in {@link FlowSchema#HEADER} order; nothing of the plan is spent past a refusal. */
    @Override
    protected FlowSyncReport run(FlowSyncRequest req, SyncContext context, RowSink sink, Start start) {
        KlaviyoClient client = start.client();
        AccountZone account = start.account();
        ReportWindow window = start.window();
        ConversionMetric metric = start.metric();
        RowSample sample = new RowSample(FlowSchema.HEADER, SAMPLE_ROWS);
        FlowWalks walks = new FlowWalks(cache, account.accountId(), clock);
        Map<String, FlowInfo> flows = new HashMap<>(FlowCatalog.unarchived(client));
        Selection sel = Selection.of(flows, req);
        ReportPlan plan = ReportPlanner.flows(window, req.aggregation(), req.reportStrategy(), sel.sendingMessages(),
                settings.rowBudget(), quota, client);
        context.expect(plan.reportCalls());
        context.plan("aggregation", plan.shape().perDay() ? "per-day" : "range", plan.choice());
        context.plan("reportStrategy", Choices.wireName(req.reportStrategy()), plan.reportCalls() + " "
                + plan.operationId() + " calls");
        sel.caps().forEach(context::cap);

        Set<String> flowIds = new TreeSet<>();
        Map<String, List<MessageInfo>> walked = new LinkedHashMap<>();
        Set<String> lookedUp = new TreeSet<>();
        long rows = 0;
        for (int i = 0; i < plan.calls().size(); i++) {
            ReportWindow w = plan.calls().get(i);
            List<FlowReports.Line> lines = FlowReports.fetch(client, plan.shape(), w, metric.id(), sel.reportFilter());
            lines = lines.stream().filter(l -> sel.allows(l.flowId(), l.messageId())).toList();
            List<String> unknown = lines.stream().map(FlowReports.Line::flowId)
                    .filter(id -> !flows.containsKey(id) && lookedUp.add(id)).distinct().sorted().toList();
            flows.putAll(FlowCatalog.archived(client, unknown));
            List<FlowRow> out = new ArrayList<>();
            for (FlowReports.Line l : lines) out.add(row(l, flows.get(l.flowId()), req.enrichMessageNames(), client, walked, walks));
            if (i == 0 && req.includeDrafts()) out.addAll(sel.draftRows(window.first()));
            out.sort(FlowRow.ORDER);
            for (FlowRow r : out) {
                if (++rows > settings.rowBudget()) throw overBudget(rows);
                flowIds.add(r.flowId());
                List<String> cells = FlowSchema.row(r);
                sample.offer(cells);
                sink.row(cells);
            }
            context.progress(i + 1);
        }
        return new FlowSyncReport(rows, flowIds.size(), window, account.zone(), account.zoneSource(),
                account.currency(), metric, plan, sel.caps(), walks.fetched(), sample.rows(), start.calls());
    }

    private FlowRow row(FlowReports.Line l, FlowInfo flow, boolean enrich, KlaviyoClient client,
                        Map<String, List<MessageInfo>> walked, FlowWalks walks) {
        MessageInfo known = flow == null ? null : flow.messages().stream().filter(m -> m.id().equals(l.messageId()))
                .findFirst().orElse(null);
        String name = l.messageName() != null ? l.messageName() : known == null ? null : known.name();
        String channel = l.channel() != null ? l.channel() : known == null ? null : known.channel();
        if (enrich && (name == null || channel == null)) {
            MessageInfo w = walked.computeIfAbsent(l.flowId(), id -> walks.walk(client, id, flow)).stream()
                    .filter(m -> m.id().equals(l.messageId())).findFirst().orElse(null);
            if (w != null) {
                if (name == null) name = w.name();
                if (channel == null) channel = w.channel();
            }
        }
        return new FlowRow(l.day(), l.flowId(), flow != null && flow.name() != null ? flow.name() : l.flowName(),
                l.messageId(), name, channel, flow == null ? null : flow.status(), l.metrics(),
                flow == null ? List.of() : flow.tags());
    }

    private KsyncException overBudget(long rows) {
        return new KsyncException(ErrorKind.UNPROCESSABLE, "row_budget_exceeded", "flows.csv passed the row budget of "
                + settings.rowBudget() + " (FLOW_ROW_BUDGET) at row " + rows + "; shorten the window, lower limitFlows or"
                + " limitMessages, or use aggregation range.", Map.of("rows", rows, "budget", settings.rowBudget()));
    }

    /** The flows and messages a request covers after its caps, and what the caps left out (package-private for tests). */
    record Selection(List<FlowInfo> flows, Set<String> flowIds, Set<String> messageIds, boolean flowsCapped,
                             boolean messagesCapped, Map<String, String> caps) {
        static Selection of(Map<String, FlowInfo> listed, FlowSyncRequest req) {
            List<FlowInfo> all = listed.values().stream().sorted(Comparator.comparing(FlowInfo::id)).toList();
            List<FlowInfo> flows = req.limitFlows().map(n -> all.stream().limit(n).toList()).orElse(all);
            List<String> messages = flows.stream().flatMap(f -> f.messages().stream().map(MessageInfo::id).sorted()).toList();
            List<String> kept = req.limitMessages().map(n -> messages.stream().limit(n).toList()).orElse(messages);
            Map<String, String> caps = new LinkedHashMap<>();
            boolean flowsCapped = flows.size() < all.size(), messagesCapped = kept.size() < messages.size();
            if (flowsCapped) caps.put("limitFlows", "kept the first " + flows.size() + " flows by id, left out " + (all.size() - flows.size()));
            if (messagesCapped) caps.put("limitMessages", "kept the first " + kept.size() + " messages by flow and message id, left out " + (messages.size() - kept.size()));
            return new Selection(flows, flows.stream().map(FlowInfo::id).collect(Collectors.toCollection(TreeSet::new)),
                    new TreeSet<>(kept), flowsCapped, messagesCapped, caps);
        }

        /** Messages that can have report rows: those of flows that are not drafts. */
        long sendingMessages() {
            return flows.stream().filter(f -> !"draft".equals(f.status()))
                    .mapToLong(f -> f.messages().stream().filter(m -> messageIds.contains(m.id())).count()).sum();
        }

        /**
         * Under a cap, only the kept flows and messages are asked for when a report filter can list them; otherwise
         * every one the report has. {@link #allows} keeps the selection either way, so the rows are the same.
         */
        String reportFilter() {
            List<String> parts = new ArrayList<>();
            if (flowsCapped) Resources.containsAny("flow_id", flowIds).ifPresent(parts::add);
            if (messagesCapped) Resources.containsAny("flow_message_id", messageIds).ifPresent(parts::add);
            return parts.isEmpty() ? null : parts.size() == 1 ? parts.getFirst() : "and(" + String.join(",", parts) + ")";
        }

        boolean allows(String flowId, String messageId) {
            return (!flowsCapped || flowIds.contains(flowId)) && (!messagesCapped || messageIds.contains(messageId));
        }

        List<FlowRow> draftRows(LocalDate day) {
            List<FlowRow> out = new ArrayList<>();
            for (FlowInfo f : flows) {
                if (!"draft".equals(f.status())) continue;
                for (MessageInfo m : f.messages()) {
                    if (messageIds.contains(m.id())) {
                        out.add(new FlowRow(day, f.id(), f.name(), m.id(), m.name(), m.channel(), f.status(),
                                Metrics.zeros(Statistic.FLOW_COLUMNS), f.tags()));
                    }
                }
            }
            return out;
        }

    }
}

package dev.ksync.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ksync.csv.CsvValues;
import dev.ksync.error.KsyncException;
import dev.ksync.reporting.EventTruth;
import dev.ksync.reporting.ReportQuota;
import dev.ksync.reporting.ReportSandbox;
import dev.ksync.reporting.Statistic;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.CampaignMessage;
import dev.ksync.sandbox.data.ProfileList;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.data.Segment;
import dev.ksync.sandbox.data.Tag;
import dev.ksync.sync.SyncContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Campaign sync against the sandbox: numbers recounted from raw events, calls counted on the sandbox's side. */
class CampaignSyncTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CampaignSyncTest.class);
    static ReportSandbox fx;
    static SandboxData data;
    static ZoneId zone;
    static LocalDate today;

    @BeforeAll
    static void start() {
        fx = new ReportSandbox(1500);
        data = fx.sandbox.data();
        zone = data.timezone();
        today = LocalDate.now(fx.clock.withZone(zone));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @BeforeEach
    void fresh() {
        fx.resetStats();
    }

    record Run(CampaignSyncReport report, ReportSandbox.Capture csv) {}

    static Run run(CampaignSyncRequest req, ReportQuota quota) {
        CampaignSync sync = new CampaignSync(new CampaignSync.Settings(Optional.empty()), quota, fx.clock);
        ReportSandbox.Capture csv = new ReportSandbox.Capture(CampaignSchema.HEADER);
        return new Run(sync.run(req, SyncContext.direct(fx.clock, fx.client()), csv), csv);
    }

    static Run run(CampaignSyncRequest req) {
        return run(req, ReportQuota.fixed(ReportQuota.KLAVIYO_DAILY, null));
    }

    /** The sandbox's sent campaigns of a channel whose send day (account timezone) is in [first, last]. */
    static List<Campaign> sent(String channel, LocalDate first, LocalDate last) {
        return data.campaigns().stream().filter(c -> c.channel().equals(channel) && c.sent()).filter(c -> {
            LocalDate d = LocalDate.ofInstant(c.sendTime(), zone);
            return !d.isBefore(first) && !d.isAfter(last);
        }).sorted(Comparator.comparing(Campaign::sendTime).thenComparing(Campaign::id)).toList();
    }

    static String audienceName(String id) {
        return data.find("list", id, ProfileList.class).map(ProfileList::name)
                .or(() -> data.find("segment", id, Segment.class).map(Segment::name)).orElseThrow();
    }

    @Test
    void every_campaign_sent_in_the_window_has_a_row_whose_cells_equal_the_recount_from_raw_events() {
        LocalDate first = today.minusDays(100), last = today.minusDays(10);
        Run r = run(CampaignSyncRequest.builder().between(first, last).build());
        List<Campaign> expected = sent("email", first, last);
        assertThat(expected).hasSizeGreaterThan(10);

        Map<String, String> metricIds = new HashMap<>();
        data.metrics().forEach(m -> metricIds.putIfAbsent(m.name(), m.id()));
        Instant from = first.atStartOfDay(zone).toInstant(), to = last.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, EventTruth.Counter> truth = EventTruth.count(fx.client(), metricIds, r.report().conversionMetric().id(),
                from, to,
                e -> EventTruth.prop(e, "$flow") == null ? EventTruth.prop(e, "$message") : null,
                e -> EventTruth.prop(e, "$attributed_flow") == null ? EventTruth.prop(e, "$attributed_message") : null);

        List<Map<String, String>> rows = r.csv().rows();
        assertThat(rows.stream().map(row -> row.get("Campaign ID")).toList())
                .containsExactlyElementsOf(expected.stream().map(Campaign::id).toList());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> row = rows.get(i);
            Campaign c = expected.get(i);
            CampaignMessage m = data.find("campaign-message", c.messageIds().getFirst(), CampaignMessage.class).orElseThrow();
            assertThat(row.get("Day")).isEqualTo(LocalDate.ofInstant(c.sendTime(), zone).toString());
            assertThat(row.get("Send Time")).isEqualTo(CsvValues.timestamp(c.sendTime())).endsWith("Z");
            assertThat(row.get("Campaign Name")).isEqualTo(c.name());
            assertThat(row.get("Campaign Message ID")).isEqualTo(m.id());
            assertThat(row.get("Subject")).isEqualTo(m.subject());
            assertThat(row.get("Channel")).isEqualTo("email");
            assertThat(row.get("Status")).isEqualTo("Sent");
            assertThat(row.get("Audiences")).isEqualTo(c.includedAudiences().stream().map(CampaignSyncTest::audienceName)
                    .collect(Collectors.joining(";")));
            assertThat(row.get("Tags")).isEqualTo(c.tagIds().stream().map(id -> data.find("tag", id, Tag.class).orElseThrow().name())
                    .sorted().collect(Collectors.joining(";")));
            EventTruth.Counter counted = truth.get(m.id());
            assertThat(counted).as("events of %s", m.id()).isNotNull();
            for (Statistic s : Statistic.CAMPAIGN_COLUMNS) {
                assertThat(row.get(s.header())).as("%s of %s", s.header(), m.id()).isEqualTo(s.format(counted.expected(s)));
            }
            double delivered = Double.parseDouble(row.get("Delivered"));
            assertThat(row.get("Click Rate")).isEqualTo(Statistic.CLICK_RATE.format(
                    delivered == 0 ? 0 : Double.parseDouble(row.get("Unique Clicks")) / delivered));
            assertThat(row.get("Bounce Rate")).isEqualTo(Statistic.BOUNCE_RATE.format(
                    Double.parseDouble(row.get("Bounces")) / Double.parseDouble(row.get("Recipients"))));
        }
    }

    @Test
    void an_archived_campaign_sent_in_the_window_has_its_row_with_its_name_status_and_tags() {
        // Klaviyo's campaigns listing leaves archived campaigns out: the sync looks up the ones its report names
        List<Campaign> archived = data.campaigns().stream().filter(c -> c.archived() && c.channel().equals("email"))
                .sorted(Comparator.comparing(Campaign::sendTime)).toList();
        assertThat(archived).isNotEmpty();
        LocalDate first = LocalDate.ofInstant(archived.getFirst().sendTime(), zone);
        LocalDate last = first.plusDays(364);
        Run r = run(CampaignSyncRequest.builder().between(first, last).build());
        Map<String, Map<String, String>> rows = new HashMap<>();
        r.csv().rows().forEach(row -> rows.put(row.get("Campaign ID"), row));
        assertThat(rows.keySet()).as("every campaign sent in the window, archived ones too")
                .containsExactlyInAnyOrderElementsOf(sent("email", first, last).stream().map(Campaign::id).toList());
        for (Campaign c : archived) {
            Map<String, String> row = rows.get(c.id());
            assertThat(row).as("archived campaign %s", c.id()).isNotNull();
            assertThat(row.get("Campaign Name")).isEqualTo(c.name());
            assertThat(row.get("Status")).isEqualTo(c.status());
            assertThat(row.get("Day")).isEqualTo(LocalDate.ofInstant(c.sendTime(), zone).toString());
            assertThat(row.get("Audiences")).isEqualTo(c.includedAudiences().stream().map(CampaignSyncTest::audienceName)
                    .collect(Collectors.joining(";")));
            assertThat(row.get("Tags")).isEqualTo(c.tagIds().stream().map(id -> data.find("tag", id, Tag.class).orElseThrow().name())
                    .sorted().collect(Collectors.joining(";")));
            assertThat(Long.parseLong(row.get("Delivered"))).as("delivered of %s", c.id()).isPositive();
        }
    }

    @Test
    void a_year_costs_at_most_2_report_calls_and_10_calls_in_all() {
        Run r = run(CampaignSyncRequest.builder().timeframeKey("last_365_days").build());
        Map<String, Long> calls = fx.stats();
        LOG.info("campaigns.csv, 365 days: {} rows, Klaviyo calls {}", r.report().rows(), calls);
        assertThat(calls.getOrDefault("query_campaign_values", 0L)).isLessThanOrEqualTo(2);
        assertThat(ReportSandbox.total(calls)).as("calls %s", calls).isLessThanOrEqualTo(10);
        assertThat(calls).doesNotContainKeys("get_messages_for_campaign", "get_tags", "get_campaign_message");
        assertThat(fx.throttled()).isZero();
        assertThat(r.report().rows()).isEqualTo(sent("email", today.minusDays(365), today.minusDays(1)).size());
        assertThat(run(CampaignSyncRequest.builder().timeframeKey("last_365_days").build()).csv().text())
                .isEqualTo(r.csv().text());
    }

    @Test
    void sms_channel_lists_only_sms_campaigns() {
        Run r = run(CampaignSyncRequest.builder().timeframeKey("last_90_days").channel(CampaignSyncRequest.Channel.SMS).build());
        assertThat(r.csv().rows().stream().map(row -> row.get("Campaign ID")).toList())
                .containsExactlyElementsOf(sent("sms", today.minusDays(90), today.minusDays(1)).stream().map(Campaign::id).toList());
        assertThat(r.csv().rows()).isNotEmpty().allSatisfy(row -> {
            assertThat(row.get("Channel")).isEqualTo("sms");
            assertThat(Long.parseLong(row.get("Delivered"))).isPositive();
        });
    }

    @Test
    void limit_campaigns_keeps_the_first_sent_and_says_so() {
        Run r = run(CampaignSyncRequest.builder().timeframeKey("last_90_days").limitCampaigns(3).build());
        assertThat(r.csv().rows().stream().map(row -> row.get("Campaign ID")).toList()).containsExactlyElementsOf(
                sent("email", today.minusDays(90), today.minusDays(1)).stream().limit(3).map(Campaign::id).toList());
        assertThat(r.report().caps()).containsKey("limitCampaigns");
    }

    @Test
    void over_100_campaigns_are_kept_on_our_side_with_the_rows_and_report_calls_a_filter_would_give() {
        LocalDate first = today.minusDays(700), last = today.minusDays(1);
        List<Campaign> sent = sent("email", first, last);
        assertThat(sent).hasSizeGreaterThan(130);
        Run all = run(CampaignSyncRequest.builder().between(first, last).build());
        // 100 campaigns still go in the report filter; 120 are more than one list filter may hold (Klaviyo: 400)
        for (int cap : new int[] {100, 120}) {
            fx.resetStats();
            Run capped = run(CampaignSyncRequest.builder().between(first, last).limitCampaigns(cap).build());
            // the sync selects among the listed campaigns: archived ones are not listed
            java.util.Set<String> kept = sent.stream().filter(c -> !c.archived()).limit(cap).map(Campaign::id).collect(Collectors.toSet());
            assertThat(capped.csv().rows()).as("cap %d", cap).containsExactlyElementsOf(all.csv().rows().stream()
                    .filter(row -> kept.contains(row.get("Campaign ID"))).toList());
            assertThat(capped.csv().rows().stream().map(row -> row.get("Campaign ID")).distinct()).hasSize(cap);
            assertThat(capped.report().plan().reportCalls()).isEqualTo(all.report().plan().reportCalls());
            assertThat(fx.stats().get("query_campaign_values")).isEqualTo((long) capped.report().plan().reportCalls());
        }
    }

    @Test
    void no_quota_left_is_refused_before_the_report_call() {
        assertThatThrownBy(() -> run(CampaignSyncRequest.builder().build(), ReportQuota.fixed(0, null)))
                .isInstanceOfSatisfying(KsyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("report_quota_exhausted");
                    assertThat(e.details()).containsEntry("planned", 1).containsEntry("remaining", 0);
                });
        assertThat(fx.stats()).doesNotContainKey("query_campaign_values");
    }
}

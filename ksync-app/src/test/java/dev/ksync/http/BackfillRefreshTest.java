package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.accounts.AccountId;
import dev.ksync.app.Ksync;
import dev.ksync.backfill.BackfillParams;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.query.Endpoints;
import dev.ksync.sandbox.data.SandboxData;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The nightly continuation re-fetches the statistics of its trailing refresh window: a campaign sent two days before
 * the first run gains the opens, clicks and orders the sandbox dates after that run (its trail days), and the stored
 * days of the window then hold exactly the sandbox's report values, days before it untouched, orders never fetched
 * again, for one campaign values and one flow series call.
 */
class BackfillRefreshTest {
    /** The sandbox's clock stands this far ahead: its history holds the events of ksync's days to come. */
    private static final Instant SANDBOX_NOW = Instant.parse("2026-05-20T12:00:00Z");
    private static final int TRAIL_DAYS = 3;
    private static final int REFRESH_DAYS = 5;
    private static final List<String> STATISTICS = List.of("recipients", "delivered", "opens_unique", "clicks_unique",
            "conversion_uniques", "unsubscribe_uniques", "spam_complaints", "bounced", "conversion_value");
    private static final String COLUMNS = "recipients, delivered, opens_unique, clicks_unique, conversions,"
            + " unsubscribes, spam_complaints, bounced, conversion_value";
    private static final BackfillParams TEST_BACKFILL = new BackfillParams(1, true, true);

    @RegisterExtension
    // an account west of UTC: Klaviyo's series date_times (local midnights labelled +00:00) read as instants would
    // date its flow statistics a day early
    static final TestRig rig = TestRig.cli().sandbox(SandboxOptions.defaults().withProfiles(1000).withHistoryDays(40)
            .withRateLimits(RateLimitMode.OFF).withTrailDays(TRAIL_DAYS).withTimezone("America/Los_Angeles"), Clock.fixed(SANDBOX_NOW, java.time.ZoneOffset.UTC))
            .env("KSYNC_BACKFILL_REFRESH_DAYS", String.valueOf(REFRESH_DAYS));

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * The day S of the campaign the test watches: ksync's first run is at S + 2 (a test backfill, S - 5 to S + 1),
     * the nightly one at S + 5 (yesterday S + 4, so its window is S to S + 4: stored days S and S + 1 are refreshed).
     */
    private LocalDate watchedSendDay(SandboxData data) {
        LocalDate sandboxToday = LocalDate.ofInstant(SANDBOX_NOW, data.timezone());
        return data.campaigns().stream().filter(Campaign::sent).filter(c -> c.channel().equals("email"))
                .map(c -> LocalDate.ofInstant(c.sendTime(), data.timezone()))
                .filter(d -> !d.isAfter(sandboxToday.minusDays(5)))
                .max(LocalDate::compareTo).orElseThrow();
    }

    @Test
    void the_nightly_continuation_replaces_the_statistics_of_its_window_with_klaviyos_current_ones() throws Exception {
        SandboxData data = rig.sandbox().data();
        LocalDate s = watchedSendDay(data);
        AccountId acme = new AccountId("acme");
        ManualClock clock = firstRun(data, s, 12);
        try (Ksync ksync = start(clock)) {
            completedAndTampered(ksync, acme, s);
            Map<String, String> campaignsBefore = rows(ksync, "backfill_campaign_daily", "campaign_id", acme, s, s.plusDays(1));
            Map<String, String> outsideBefore = outside(ksync, acme, s);
            List<String> ordersBefore = orders(ksync, acme, s.plusDays(1));

            clock.advance(Duration.ofDays(3));
            rig.sandbox().resetStats();
            assertThat(ksync.backfill().extend(acme)).isTrue();
            assertThat(ksync.backfill().work(acme)).isNull();
            var calls = rig.sandbox().stats().get(TestRig.SANDBOX_KEY);

            JsonNode status = ksync.backfill().status(acme).json();
            assertThat(status.path("status").asText()).isEqualTo("completed");
            assertThat(status.path("end_date").asText()).isEqualTo(s.plusDays(4).toString());
            assertThat(status.path("validation").path("mismatches")).isEmpty();
            assertThat(calls.get("query_campaign_values").requests()).as("campaign values calls").isEqualTo(1);
            assertThat(calls.get("query_flow_series").requests()).as("flow series calls").isEqualTo(1);

            Map<String, String> campaignsAfter = rows(ksync, "backfill_campaign_daily", "campaign_id", acme, s, s.plusDays(1));
            assertThat(campaignsAfter).isEqualTo(expectedCampaigns(data, s, s.plusDays(1), s.plusDays(5)));
            assertThat(campaignsAfter).as("the sandbox attributed more to the watched campaign since")
                    .isNotEqualTo(campaignsBefore);
            assertThat(rows(ksync, "backfill_flow_daily", "flow_id", acme, s, s.plusDays(1))).isNotEmpty()
                    .isEqualTo(expectedFlows(data, s, s.plusDays(2)));
            assertThat(outside(ksync, acme, s)).as("days before the window").isEqualTo(outsideBefore);
            assertThat(orders(ksync, acme, s.plusDays(1))).as("stored orders").isEqualTo(ordersBefore);
        }
    }

    @Test
    void a_refresh_that_dies_inside_a_day_leaves_its_old_statistics_and_the_retry_finishes_it() throws Exception {
        SandboxData data = rig.sandbox().data();
        LocalDate s = watchedSendDay(data);
        AccountId shop = new AccountId("crashy");
        // an hour apart from the other test, whose report calls count in the same database's windows
        ManualClock clock = firstRun(data, s, 13);
        try (Ksync ksync = start(clock)) {
            completedAndTampered(ksync, shop, s);
            Map<String, String> secondDayBefore = stats(ksync, shop, s.plusDays(1), s.plusDays(1));
            ksync.database().jdbi().useHandle(h -> h.execute("""
                    create function refresh_dies() returns trigger language plpgsql as $$ begin
                        if new.account_id = 'crashy' and new.day = '%s' then raise exception 'killed mid-day'; end if;
                        return new; end $$;
                    create trigger refresh_dies before insert on backfill_flow_daily
                        for each row execute function refresh_dies()""".formatted(s.plusDays(1))));
            try {
                clock.advance(Duration.ofDays(3));
                assertThat(ksync.backfill().extend(shop)).isTrue();
                assertThat(ksync.backfill().work(shop)).isNull();
            } finally {
                ksync.database().jdbi().useHandle(h -> h.execute(
                        "drop trigger refresh_dies on backfill_flow_daily; drop function refresh_dies()"));
            }
            JsonNode failed = ksync.backfill().status(shop).json();
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("errors").get(0).path("date").asText()).isEqualTo(s.plusDays(1).toString());
            assertThat(failed.path("refresh_from").asText()).as("the day the retry refreshes next")
                    .isEqualTo(s.plusDays(1).toString());
            assertThat(rows(ksync, "backfill_flow_daily", "flow_id", shop, s, s))
                    .as("the day refreshed before the crash").isEqualTo(expectedFlows(data, s, s.plusDays(1)));
            assertThat(stats(ksync, shop, s.plusDays(1), s.plusDays(1))).as("the day the crash hit: all old")
                    .isEqualTo(secondDayBefore);

            clock.advance(Duration.ofMinutes(2));
            ksync.backfill().start(shop, TEST_BACKFILL); // a retry resumes the same run
            assertThat(ksync.backfill().work(shop)).isNull();
            JsonNode done = ksync.backfill().status(shop).json();
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("refresh_from").isNull()).as("nothing left to refresh").isTrue();
            assertThat(rows(ksync, "backfill_flow_daily", "flow_id", shop, s, s.plusDays(1)))
                    .isEqualTo(expectedFlows(data, s, s.plusDays(2)));
            assertThat(rows(ksync, "backfill_campaign_daily", "campaign_id", shop, s, s.plusDays(1)))
                    .isEqualTo(expectedCampaigns(data, s, s.plusDays(1), s.plusDays(5)));
        }
    }

    private Ksync start(Clock clock) {
        return Ksync.start(AppConfig.load(rig.env()), clock);
    }

    /** ksync's clock at {@code hour} on S + 2, the day of the first run. */
    private static ManualClock firstRun(SandboxData data, LocalDate s, int hour) {
        return new ManualClock(s.plusDays(2).atTime(hour, 0).atZone(data.timezone()).toInstant());
    }

    /** A completed test backfill whose flow statistics of S and S + 1 were then made wrong. */
    private static void completedAndTampered(Ksync ksync, AccountId account, LocalDate s) {
        completedBackfill(ksync, account);
        tamperFlowStats(ksync, account, s);
    }

    /** A test backfill run to completion in this thread (no scheduler runs in this class). */
    private static void completedBackfill(Ksync ksync, AccountId account) {
        ksync.accounts().add(account, account.value(), new Secret(TestRig.SANDBOX_KEY));
        ksync.backfill().start(account, TEST_BACKFILL);
        assertThat(ksync.backfill().work(account)).isNull();
        assertThat(ksync.backfill().status(account).json().path("status").asText()).isEqualTo("completed");
    }

    /**
     * Flow days do not change in the sandbox once over, so their stored rows are made wrong (and one row Klaviyo has
     * not is added) to see which are replaced.
     */
    private static void tamperFlowStats(Ksync ksync, AccountId account, LocalDate s) {
        ksync.database().jdbi().useHandle(h -> {
            assertThat(h.createUpdate("update backfill_flow_daily set opens_unique = opens_unique + 1000 where account_id = :a")
                    .bind("a", account.value()).execute()).isPositive();
            h.createUpdate("""
                    insert into backfill_flow_daily (account_id, day, flow_id, message_id, channel, opens_unique)
                    values (:a, :d, 'GONE', 'GONE', 'email', 1)""").bind("a", account.value()).bind("d", s).execute();
        });
    }

    /** Statistics rows of a table over [first, last]: "day parent message" → the columns' values. */
    private static Map<String, String> rows(Ksync ksync, String table, String parent, AccountId account, LocalDate first,
                                            LocalDate last) {
        return ksync.database().jdbi().withHandle(h -> h.createQuery("select day, " + parent + ", message_id, "
                        + COLUMNS + " from " + table + " where account_id = :a and day between :f and :l")
                .bind("a", account.value()).bind("f", first).bind("l", last)
                .map((rs, ctx) -> {
                    StringBuilder v = new StringBuilder();
                    for (int i = 4; i <= 11; i++) v.append(rs.getObject(i)).append(' ');
                    BigDecimal value = rs.getBigDecimal(12);
                    v.append(value == null ? null : value.setScale(2, RoundingMode.HALF_UP).toPlainString());
                    return Map.entry(rs.getObject(1, LocalDate.class) + " " + rs.getString(2) + " " + rs.getString(3),
                            v.toString());
                }).list()).stream().collect(TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll);
    }

    private static Map<String, String> stats(Ksync ksync, AccountId account, LocalDate first, LocalDate last) {
        Map<String, String> out = new TreeMap<>();
        rows(ksync, "backfill_flow_daily", "flow_id", account, first, last).forEach((k, v) -> out.put("flow " + k, v));
        rows(ksync, "backfill_campaign_daily", "campaign_id", account, first, last).forEach((k, v) -> out.put("campaign " + k, v));
        return out;
    }

    /** Every statistics row before the window's first day. */
    private static Map<String, String> outside(Ksync ksync, AccountId account, LocalDate windowFirst) {
        return stats(ksync, account, LocalDate.EPOCH, windowFirst.minusDays(1));
    }

    private static List<String> orders(Ksync ksync, AccountId account, LocalDate last) {
        return ksync.database().jdbi().withHandle(h -> h.createQuery("""
                        select day || ' ' || event_id || ' ' || value from backfill_orders
                        where account_id = :a and day <= :l order by day, event_id""")
                .bind("a", account.value()).bind("l", last).mapTo(String.class).list());
    }

    /**
     * The sandbox's values of each campaign sent on [first, last], asked campaign by campaign over its send day to
     * {@code end} (exclusive), dated to its send day; messages with no statistic above zero are not stored.
     */
    private Map<String, String> expectedCampaigns(SandboxData data, LocalDate first, LocalDate last, LocalDate end)
            throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Campaign c : data.campaigns()) {
            if (!c.sent()) continue;
            LocalDate day = LocalDate.ofInstant(c.sendTime(), data.timezone());
            if (day.isBefore(first) || day.isAfter(last)) continue;
            JsonNode answer = report(data, "campaign-values-report", day, end, null,
                    List.of("campaign_id", "campaign_message_id", "send_channel"),
                    "equals(campaign_id,\"" + c.id() + "\")");
            for (JsonNode row : answer.at("/data/attributes/results")) {
                String values = values(row.path("statistics"), -1);
                if (values != null) out.put(day + " " + c.id() + " " + row.at("/groupings/campaign_message_id").asText(), values);
            }
        }
        return out;
    }

    /**
     * The sandbox's flow statistics per message and account-local day over [first, end): a values report per day, so
     * the day is the one asked for, whatever form a series report's date_times take.
     */
    private Map<String, String> expectedFlows(SandboxData data, LocalDate first, LocalDate end) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (LocalDate day = first; day.isBefore(end); day = day.plusDays(1)) {
            JsonNode answer = report(data, "flow-values-report", day, day.plusDays(1), null,
                    List.of("flow_id", "flow_message_id", "send_channel"), null);
            for (JsonNode row : answer.at("/data/attributes/results")) {
                String values = values(row.path("statistics"), -1);
                if (values != null) {
                    out.put(day + " " + row.at("/groupings/flow_id").asText() + " "
                            + row.at("/groupings/flow_message_id").asText(), values);
                }
            }
        }
        return out;
    }

    /** A row's statistics as {@link #rows} prints them (element {@code i} of a series), null when none is above zero. */
    private static String values(JsonNode statistics, int i) {
        StringBuilder v = new StringBuilder();
        boolean active = false;
        for (String name : STATISTICS) {
            JsonNode n = i < 0 ? statistics.path(name) : statistics.path(name).path(i);
            BigDecimal d = n.decimalValue();
            active |= d.signum() > 0;
            v.append(name.equals("conversion_value") ? d.setScale(2, RoundingMode.HALF_UP).toPlainString()
                    : String.valueOf(d.setScale(0, RoundingMode.HALF_UP).longValueExact()) + ' ');
        }
        return active ? v.toString() : null;
    }

    private JsonNode report(SandboxData data, String type, LocalDate first, LocalDate end, String interval,
                            List<String> groupBy, String filter) throws Exception {
        ObjectNode body = json.createObjectNode();
        ObjectNode d = body.putObject("data");
        d.put("type", type);
        ObjectNode a = d.putObject("attributes");
        STATISTICS.forEach(a.putArray("statistics")::add);
        a.putObject("timeframe").put("start", first + "T00:00:00+00:00").put("end", end + "T00:00:00+00:00");
        a.put("conversion_metric_id", data.metricNamed("Placed Order").id());
        if (interval != null) a.put("interval", interval);
        groupBy.forEach(a.putArray("group_by")::add);
        if (filter != null) a.put("filter", filter);
        String path = "/api/" + type + "s";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rig.sandbox().baseUrl() + path))
                .header("Authorization", "Klaviyo-API-Key " + TestRig.SANDBOX_KEY).header("revision", Endpoints.REVISION)
                .header("Accept", "application/vnd.api+json").header("Content-Type", "application/vnd.api+json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = json.readTree(r.body());
        assertThat(answer.at("/links/next").isNull()).as("one page").isTrue();
        return answer;
    }
}

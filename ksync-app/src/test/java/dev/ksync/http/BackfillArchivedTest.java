package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.Flow;
import dev.ksync.sandbox.data.SandboxData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Klaviyo's flows and campaigns listings leave archived ones out unless asked, yet archived flows and campaigns sent
 * messages within the history: a year's backfill stores them (flagged archived), names them in the orders attributed
 * to them and stores their campaigns' statistics, for one listing more per campaign channel and for flows (calls
 * counted by the sandbox's GET /__sandbox/stats).
 */
class BackfillArchivedTest {
    static final String SECRET = "backfill-archived-secret";
    static final ObjectMapper json = new ObjectMapper();
    static final AccountId SHOP = new AccountId("shop");

    // 90 days of history: the sandbox's archived campaigns were sent in its first fifth, its archived flows sent
    // until its first third or half
    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "60")
            .sandbox(SandboxOptions.defaults().withProfiles(1500).withHistoryDays(90)
                    .withRateLimits(RateLimitMode.scaled(60)));

    static SandboxData data;

    @BeforeAll
    static void backfill() throws Exception {
        data = rig.sandbox().data();
        rig.server().ksync.accounts().add(SHOP, "Shop", new Secret(TestRig.SANDBOX_KEY));
        rig.sandbox().resetStats();
        HttpResponse<String> started = rig.server().post("/api/backfill/start/shop?years=1&include_orders=true",
                SECRET, "");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        // the scheduler is not started: the task's work runs here, to its end
        assertThat(rig.server().ksync.backfill().work(SHOP)).isNull();
    }

    @Test
    void the_catalog_holds_every_flow_and_campaign_archived_ones_flagged_for_one_listing_more_each() throws Exception {
        Map<String, Long> calls = stats();
        JsonNode status = get("/api/backfill/status/shop");
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(status.path("validation").path("mismatches")).as(status.toString()).isEmpty();

        assertThat(data.flows()).anyMatch(Flow::archived);
        assertThat(data.campaigns()).anyMatch(Campaign::archived);
        Map<String, Boolean> flows = new TreeMap<>();
        data.flows().forEach(f -> flows.put(f.id(), f.archived()));
        Map<String, Boolean> campaigns = new TreeMap<>();
        data.campaigns().forEach(c -> campaigns.put(c.id(), c.archived()));
        assertThat(stored("select flow_id, archived from backfill_flows where account_id = 'shop'")).isEqualTo(flows);
        assertThat(stored("select campaign_id, archived from backfill_campaigns where account_id = 'shop'"))
                .isEqualTo(campaigns);
        assertThat(status.path("counts").path("flows").asInt()).isEqualTo(flows.size());
        assertThat(status.path("counts").path("campaigns").asInt()).isEqualTo(campaigns.size());

        // each of the 3 channels: its campaigns (one page here) and its archived ones; the flows and the archived ones
        assertThat(calls.get("get_campaigns")).as("calls %s", calls).isEqualTo(6);
        assertThat(calls.get("get_flows")).as("calls %s", calls).isEqualTo(2);
        long orders = status.path("counts").path("orders").asLong();
        assertThat(calls.values().stream().mapToLong(Long::longValue).sum()).as("calls %s", calls)
                .isLessThanOrEqualTo(orders / 1000 + 40);
    }

    @Test
    void an_order_attributed_to_an_archived_flow_or_campaign_names_it() throws Exception {
        Map<String, Campaign> campaignOfMessage = new TreeMap<>();
        data.campaignMessages().forEach(m -> campaignOfMessage.put(m.id(),
                data.find("campaign", m.campaignId(), Campaign.class).orElseThrow()));
        Map<String, Flow> flowOfMessage = new TreeMap<>();
        data.flowMessages().forEach(m -> flowOfMessage.put(m.id(),
                data.find("flow", m.flowId(), Flow.class).orElseThrow()));

        List<JsonNode> orders = new ArrayList<>();
        for (JsonNode d : get("/api/backfill/data/shop/summary").path("days")) {
            get("/api/backfill/data/shop/orders?date=" + d.path("date").asText() + "&limit=1000").path("orders")
                    .forEach(orders::add);
        }
        int archivedFlowOrders = 0, archivedCampaignOrders = 0;
        for (JsonNode o : orders) {
            JsonNode a = o.path("attribution");
            String where = "order " + o.path("event_id").asText() + ": " + a;
            String message = a.path("message").asText(null);
            if (message == null) {
                assertThat(a.path("type").isNull()).as(where).isTrue();
                continue;
            }
            if (!a.path("flow").isNull()) {
                Flow f = flowOfMessage.get(message);
                assertThat(a.path("flow").asText()).as(where).isEqualTo(f.id());
                assertThat(a.path("type").asText()).as(where).isEqualTo("flow");
                assertThat(a.path("name").asText(null)).as(where).isEqualTo(f.name());
                assertThat(a.path("archived").asBoolean()).as(where).isEqualTo(f.archived());
                if (f.archived()) archivedFlowOrders++;
            } else {
                Campaign c = campaignOfMessage.get(message);
                assertThat(a.path("campaign").asText(null)).as(where).isEqualTo(c.id());
                assertThat(a.path("type").asText()).as(where).isEqualTo("campaign");
                assertThat(a.path("name").asText(null)).as(where).isEqualTo(c.name());
                assertThat(a.path("archived").asBoolean()).as(where).isEqualTo(c.archived());
                if (c.archived()) archivedCampaignOrders++;
            }
        }
        assertThat(archivedFlowOrders).as("orders attributed to an archived flow").isPositive();
        assertThat(archivedCampaignOrders).as("orders attributed to an archived campaign").isPositive();
    }

    @Test
    void an_archived_campaign_sent_within_the_history_has_its_statistics_on_its_send_day() throws Exception {
        LocalDate first = LocalDate.parse(get("/api/backfill/status/shop").path("start_date").asText());
        List<Campaign> archived = data.campaigns().stream().filter(c -> c.archived() && c.sent())
                .filter(c -> !LocalDate.ofInstant(c.sendTime(), data.timezone()).isBefore(first)).toList();
        assertThat(archived).isNotEmpty();
        Map<String, String> expected = new TreeMap<>();
        archived.forEach(c -> expected.put(c.id(), LocalDate.ofInstant(c.sendTime(), data.timezone()).toString()));
        Map<String, String> stored = rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery("""
                        select campaign_id, day::text from backfill_campaign_daily
                        where account_id = 'shop' and delivered > 0 and campaign_id in (<ids>)""")
                .bindList("ids", List.copyOf(expected.keySet()))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x, TreeMap::new));
        assertThat(stored).isEqualTo(expected);
    }

    private static Map<String, Boolean> stored(String sql) {
        return rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery(sql)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBoolean(2))).list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (x, y) -> x, TreeMap::new));
    }

    /** Operation id → requests the sandbox answered since the backfill started, read from its GET /__sandbox/stats. */
    private static Map<String, Long> stats() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rig.sandbox().baseUrl() + "/__sandbox/stats")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Long> out = new TreeMap<>();
        json.readTree(r.body()).path("keys").path(TestRig.SANDBOX_KEY).properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().path("requests").asLong()));
        return out;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = rig.server().get(path, SECRET);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}

package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.wire.Page;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backfill through its HTTP API against the sandbox, on a small account: a test backfill (7 days) runs to
 * completion and its orders are the sandbox's Placed Order events of the day, field by field (acceptance 2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackfillHttpTest {
    static final String SECRET = "backfill-admin-secret";
    static final ObjectMapper json = new ObjectMapper();
    static final AccountId SHOP = new AccountId("shop");

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET).env("KLAVIYO_RATE_SCALE", "60")
            .env("KSYNC_SCHEDULER_POLL_S", "1")
            .sandbox(SandboxOptions.defaults().withProfiles(1500).withHistoryDays(60)
                    .withRateLimits(RateLimitMode.scaled(60)));

    @BeforeAll
    static void account() {
        rig.server().ksync.accounts().add(SHOP, "Shop", new Secret(TestRig.SANDBOX_KEY));
        rig.server().ksync.scheduler().start();
    }

    @Test
    @Order(1)
    void a_test_backfill_runs_seven_days_to_completion_and_a_start_while_running_answers_409() throws Exception {
        HttpResponse<String> started = post("/api/backfill/start/shop?years=1&include_orders=true&test_mode=true");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode s = json.readTree(started.body());
        assertThat(s.path("days_total").asInt()).isEqualTo(7);
        assertThat(s.path("status").asText()).isEqualTo("in_progress");
        HttpResponse<String> again = post("/api/backfill/start/shop?test_mode=true");
        if (again.statusCode() != 202) { // it may have finished already on a fast machine
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(json.readTree(again.body()).path("error").asText()).isEqualTo("backfill_running");
        }
        JsonNode done = awaitEnd();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("days_completed").asInt()).isEqualTo(7);
        assertThat(done.path("progress").asDouble()).isEqualTo(100.0);
        assertThat(done.path("counts").path("orders").asLong()).isPositive();
        assertThat(done.path("validation").path("mismatches")).as(done.toString()).isEmpty();
        assertThat(done.path("validation").path("days_checked").asInt()).isEqualTo(7);
    }

    @Test
    @Order(2)
    void orders_of_a_day_are_the_sandboxs_placed_order_events_field_by_field() throws Exception {
        JsonNode status = json.readTree(get("/api/backfill/status/shop").body());
        ZoneId zone = ZoneId.of(status.path("timezone").asText());
        LocalDate day = LocalDate.parse(status.path("end_date").asText());
        JsonNode answer = json.readTree(get("/api/backfill/data/shop/orders?date=" + day + "&limit=1000").body());
        Map<String, JsonNode> ours = new TreeMap<>();
        answer.path("orders").forEach(o -> ours.put(o.path("event_id").asText(), o));

        Map<String, JsonNode> events = new TreeMap<>();
        Map<String, String> emails = new TreeMap<>();
        try (KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(rig.sandbox().baseUrl())),
                ApiKey.of(TestRig.SANDBOX_KEY)).build()) {
            String metric = k.list(Listings.METRICS, Query.all()).filter(m -> m.name().equals("Placed Order"))
                    .findFirst().orElseThrow().id();
            k.list(Listings.pages(Endpoints.EVENTS), Query.all().filter(Filter.equals("metric_id", metric))
                    .filter(Filter.greaterOrEqual("datetime", day.atStartOfDay(zone).toInstant()))
                    .filter(Filter.lessThan("datetime", day.plusDays(1).atStartOfDay(zone).toInstant()))
                    .add("include", "profile")).forEach((Page p) -> {
                        p.data().forEach(e -> {
                            events.put(e.path("id").asText(), e);
                            String pid = e.path("relationships").path("profile").path("data").path("id").asText();
                            JsonNode prof = p.included().get("profile", pid);
                            emails.put(pid, prof == null ? null : prof.path("attributes").path("email").asText(null));
                        });
                    });
        }
        assertThat(answer.path("count").asInt()).isEqualTo(events.size());
        assertThat(ours.keySet()).containsExactlyElementsOf(events.keySet());
        for (var e : events.entrySet()) {
            JsonNode o = ours.get(e.getKey());
            JsonNode a = e.getValue().path("attributes");
            JsonNode p = a.path("event_properties");
            String where = "order " + e.getKey();
            assertThat(Instant.parse(o.path("time").asText()))
                    .as(where).isEqualTo(Instant.parse(a.path("datetime").asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(o.path("date").asText()).isEqualTo(day.toString());
            assertThat(o.path("order_id").asText()).as(where).isEqualTo(p.path("OrderId").asText());
            assertThat(o.path("value").decimalValue()).as(where).isEqualByComparingTo(p.path("$value").decimalValue());
            assertThat(o.path("currency").asText()).as(where).isEqualTo(p.path("$currency_code").asText());
            String profile = e.getValue().path("relationships").path("profile").path("data").path("id").asText();
            assertThat(o.path("customer").path("profile_id").asText()).as(where).isEqualTo(profile);
            assertThat(o.path("customer").path("email").asText(null)).as(where).isEqualTo(emails.get(profile));
            assertThat(o.path("utm").path("source").asText(null)).as(where).isEqualTo(p.path("utm_source").asText(null));
            assertThat(o.path("utm").path("medium").asText(null)).as(where).isEqualTo(p.path("utm_medium").asText(null));
            assertThat(o.path("utm").path("campaign").asText(null)).as(where).isEqualTo(p.path("utm_campaign").asText(null));
            assertThat(o.path("discount_codes")).as(where).isEqualTo(p.path("Discount Codes"));
            assertThat(o.path("total_discounts").decimalValue()).as(where)
                    .isEqualByComparingTo(p.path("Total Discounts").decimalValue());
            assertThat(o.path("shipping_total").decimalValue()).as(where)
                    .isEqualByComparingTo(p.path("Shipping Rate").decimalValue());
            assertThat(o.path("categories")).as(where).isEqualTo(p.path("Categories"));
            assertThat(o.path("brands")).as(where).isEqualTo(p.path("Brands"));
            assertThat(o.path("attribution").path("message").asText(null)).as(where)
                    .isEqualTo(p.path("$attributed_message").asText(null));
            assertThat(o.path("attribution").path("channel").asText(null)).as(where)
                    .isEqualTo(p.path("$attributed_channel").asText(null));
            assertThat(o.path("attribution").path("flow").asText(null)).as(where)
                    .isEqualTo(p.path("$attributed_flow").asText(null));
            JsonNode lines = p.path("$extra").path("line_items");
            assertThat(o.path("items")).as(where).hasSize(lines.size());
            int quantity = 0;
            for (int i = 0; i < lines.size(); i++) {
                JsonNode item = o.path("items").get(i);
                JsonNode line = lines.get(i);
                assertThat(item.path("product_id").asText()).isEqualTo(line.path("product_id").asText());
                assertThat(item.path("sku").asText()).isEqualTo(line.path("sku").asText());
                assertThat(item.path("name").asText()).isEqualTo(line.path("name").asText());
                assertThat(item.path("quantity").asInt()).isEqualTo(line.path("quantity").asInt());
                assertThat(item.path("price").decimalValue()).isEqualByComparingTo(line.path("price").decimalValue());
                assertThat(item.path("line_price").decimalValue())
                        .isEqualByComparingTo(line.path("line_price").decimalValue());
                assertThat(item.path("categories")).isEqualTo(line.path("categories"));
                assertThat(item.path("brand").asText()).isEqualTo(line.path("vendor").asText());
                quantity += line.path("quantity").asInt();
            }
            assertThat(o.path("item_count").asInt()).as(where).isEqualTo(quantity);
        }
    }

    @Test
    @Order(3)
    void an_attributed_order_names_its_flow_or_campaign_and_an_id_without_a_stored_one_reads_as_unknown()
            throws Exception {
        Map<String, String> flows = new TreeMap<>();
        Map<String, String> campaigns = new TreeMap<>();
        try (KlaviyoClient k = KlaviyoClient.builder(KlaviyoClientConfig.of(URI.create(rig.sandbox().baseUrl())),
                ApiKey.of(TestRig.SANDBOX_KEY)).build()) {
            for (Query q : Listings.andArchived(Query.all())) {
                k.list(Listings.FLOWS, q).forEach(f -> flows.put(f.id(), f.name()));
                for (String channel : List.of("email", "sms", "mobile_push")) {
                    k.list(Listings.campaigns(channel), q).forEach(c -> campaigns.put(c.id(), c.name()));
                }
            }
        }
        JsonNode status = json.readTree(get("/api/backfill/status/shop").body());
        List<JsonNode> orders = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(status.path("start_date").asText());
             !d.isAfter(LocalDate.parse(status.path("end_date").asText())); d = d.plusDays(1)) {
            json.readTree(get("/api/backfill/data/shop/orders?date=" + d + "&limit=1000").body()).path("orders")
                    .forEach(orders::add);
        }
        JsonNode named = null;
        for (JsonNode o : orders) {
            JsonNode a = o.path("attribution");
            String where = "order " + o.path("event_id").asText() + ": " + a;
            if (!a.path("flow").isNull()) {
                assertThat(a.path("type").asText()).as(where).isEqualTo("flow");
                assertThat(a.path("name").asText(null)).as(where).isEqualTo(flows.get(a.path("flow").asText()));
            } else if (!a.path("campaign").isNull()) {
                assertThat(a.path("type").asText()).as(where).isEqualTo("campaign");
                assertThat(a.path("name").asText(null)).as(where)
                        .isEqualTo(campaigns.get(a.path("campaign").asText()));
            } else {
                assertThat(a.path("type").isNull()).as(where).isTrue();
                assertThat(a.path("name").isNull()).as(where).isTrue();
            }
            if (named == null && a.path("type").asText().equals("flow") && !a.path("name").isNull()) named = o;
        }
        assertThat(named).as("an order attributed to a stored flow").isNotNull();

        // a flow the catalog has no row for (deleted in Klaviyo before the backfill listed it): the id, no name
        String flow = named.path("attribution").path("flow").asText();
        String event = named.path("event_id").asText();
        var jdbi = rig.server().ksync.database().jdbi();
        jdbi.useHandle(h -> h.execute("update backfill_flows set flow_id = 'gone-' || flow_id"
                + " where account_id = 'shop' and flow_id = ?", flow));
        try {
            JsonNode again = json.readTree(get("/api/backfill/data/shop/orders?date=" + named.path("date").asText()
                    + "&limit=1000").body());
            JsonNode a = null;
            for (JsonNode o : again.path("orders")) {
                if (o.path("event_id").asText().equals(event)) a = o.path("attribution");
            }
            assertThat(a).as(event).isNotNull();
            assertThat(a.path("flow").asText()).isEqualTo(flow);
            assertThat(a.path("type").asText()).isEqualTo("flow");
            assertThat(a.has("name")).isTrue();
            assertThat(a.path("name").isNull()).as(a.toString()).isTrue();
        } finally {
            jdbi.useHandle(h -> h.execute("update backfill_flows set flow_id = ? where account_id = 'shop'"
                    + " and flow_id = 'gone-' || ?", flow, flow));
        }
    }

    @Test
    @Order(4)
    void validation_lists_a_day_whose_orders_differ_from_klaviyos_aggregates() throws Exception {
        JsonNode status = json.readTree(get("/api/backfill/status/shop").body());
        LocalDate day = LocalDate.parse(status.path("end_date").asText());
        int deleted = rig.server().ksync.database().jdbi().withHandle(h -> h.createUpdate(
                "delete from backfill_orders where account_id = 'shop' and event_id = (select min(event_id)"
                        + " from backfill_orders where account_id = 'shop' and day = :d)")
                .bind("d", day).execute());
        assertThat(deleted).isEqualTo(1);
        JsonNode v = rig.server().ksync.backfill().revalidate(SHOP).json().path("validation");
        assertThat(v.path("mismatches")).hasSize(1);
        JsonNode m = v.path("mismatches").get(0);
        assertThat(m.path("date").asText()).isEqualTo(day.toString());
        assertThat(m.path("orders").asLong()).isEqualTo(m.path("klaviyo_orders").asLong() - 1);
    }

    @Test
    @Order(5)
    void bad_input_answers_400_naming_the_field_and_unknowns_404() throws Exception {
        assertError(post("/api/backfill/start/shop?years=0"), 400, "invalid_years");
        assertError(post("/api/backfill/start/shop?include_orders=maybe"), 400, "invalid_include_orders");
        assertError(post("/api/backfill/start/shop?yeers=1"), 400, "unknown_parameter");
        assertError(get("/api/backfill/data/shop/orders?date=2024-13-01"), 400, "invalid_date");
        assertError(get("/api/backfill/data/shop/orders?date=2024-12-01&limit=1001"), 400, "invalid_limit");
        assertError(post("/api/backfill/start/nobody"), 404, "not_found");
        assertError(rig.server().get("/api/backfill/status", null), 401, null);
    }

    @Test
    @Order(6)
    void a_cancelled_backfill_resumes_on_retry_and_clear_deletes_it() throws Exception {
        JsonNode started = json.readTree(post("/api/backfill/start/shop?years=1").body());
        assertThat(started.path("days_total").asInt()).isGreaterThan(360);
        HttpResponse<String> cancelled = post("/api/backfill/cancel/shop");
        JsonNode c = json.readTree(cancelled.body());
        if (cancelled.statusCode() == 200) {
            assertThat(c.path("status").asText()).isEqualTo("cancelled");
            JsonNode stopped = awaitQuiet();
            int done = stopped.path("days_completed").asInt();
            JsonNode retried = json.readTree(post("/api/backfill/start/shop?years=1").body());
            assertThat(retried.path("status").asText()).isEqualTo("in_progress");
            assertThat(retried.path("start_date").asText()).isEqualTo(started.path("start_date").asText());
            assertThat(retried.path("days_completed").asInt()).as("resumed, not restarted").isEqualTo(done);
        }
        JsonNode end = awaitEnd();
        assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("completed");
        assertThat(end.path("days_completed").asInt()).isEqualTo(end.path("days_total").asInt());
        String summaryText = get("/api/backfill/data/shop/summary").body();
        JsonNode summary = json.readTree(summaryText);
        // money as money: 2 decimals, never 1.08E+3 (nor 931 or 183.9)
        assertThat(summaryText).doesNotContainPattern("\\d[eE][+-]?\\d");
        java.util.regex.Matcher money = java.util.regex.Pattern
                .compile("\"(revenue|average_order_value)\":(-?[0-9.]+)").matcher(summaryText);
        int amounts = 0;
        for (; money.find(); amounts++) assertThat(money.group(2)).as(money.group()).matches("-?\\d+\\.\\d{2}");
        assertThat(amounts).isGreaterThan(2);
        assertThat(summary.path("orders").asLong()).isEqualTo(end.path("counts").path("orders").asLong());
        assertThat(summary.path("revenue").decimalValue()).isEqualByComparingTo(end.path("revenue").decimalValue());
        assertThat(summary.path("days")).isNotEmpty();

        HttpResponse<String> cleared = post("/api/backfill/clear/shop");
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(json.readTree(cleared.body()).path("cleared").asBoolean()).isTrue();
        assertError(get("/api/backfill/status/shop"), 404, "backfill_not_found");
        JsonNode all = json.readTree(get("/api/backfill/status").body());
        assertThat(all.path("clients").get(0).path("status").asText()).isEqualTo("not_started");
        long rows = rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery(
                "select (select count(*) from backfill_orders) + (select count(*) from backfill_flow_daily)"
                        + " + (select count(*) from backfill_campaigns)").mapTo(Long.class).one());
        assertThat(rows).isZero();
    }

    @Test
    @Order(7)
    void a_spent_report_quota_makes_the_backfill_wait_until_it_resets_then_go_on() throws Exception {
        var ksync = rig.server().ksync;
        ksync.scheduler().close(); // this test runs the work itself
        Instant reset = Instant.now().plus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        dev.ksync.backfill.Backfill spent = backfill(dev.ksync.reporting.ReportQuota.fixed(0, reset));
        spent.start(SHOP, new dev.ksync.backfill.BackfillParams(1, true, true));
        assertThat(spent.work(SHOP)).isEqualTo(reset);
        JsonNode s = json.readTree(get("/api/backfill/status/shop").body());
        assertThat(s.path("status").asText()).isEqualTo("in_progress");
        assertThat(s.path("waiting").path("reason").asText()).isEqualTo("report_quota");
        assertThat(Instant.parse(s.path("waiting").path("until").asText())).isEqualTo(reset);
        assertThat(backfill(dev.ksync.reporting.ReportQuota.fixed(225, reset)).work(SHOP)).isNull();
        JsonNode done = json.readTree(get("/api/backfill/status/shop").body());
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("waiting").isNull()).isTrue();
    }

    @Test
    @Order(8)
    void a_new_run_replaces_only_its_own_days_so_a_test_run_after_a_year_keeps_the_year() throws Exception {
        var quota = dev.ksync.reporting.ReportQuota.fixed(225, Instant.now().plus(Duration.ofDays(1)));
        dev.ksync.backfill.Backfill backfill = backfill(quota); // the scheduler was closed by the test before
        backfill.start(SHOP, new dev.ksync.backfill.BackfillParams(1, true, false));
        assertThat(backfill.work(SHOP)).isNull();
        List<String> year = storedRows();
        assertThat(year).hasSizeGreaterThan(100);
        JsonNode summary = json.readTree(get("/api/backfill/data/shop/summary").body());

        backfill.start(SHOP, new dev.ksync.backfill.BackfillParams(1, true, true)); // "Start Test"
        assertThat(backfill.work(SHOP)).isNull();
        JsonNode test = json.readTree(get("/api/backfill/status/shop").body());
        assertThat(test.path("status").asText()).isEqualTo("completed");
        assertThat(test.path("days_total").asInt()).isEqualTo(7);
        assertThat(storedRows()).as("the year's rows, its last 7 days fetched again").isEqualTo(year);
        JsonNode after = json.readTree(get("/api/backfill/data/shop/summary").body());
        assertThat(after.path("days")).isEqualTo(summary.path("days"));
        assertThat(after.path("revenue")).isEqualTo(summary.path("revenue"));
        assertThat(after.path("first_date").asText()).as("the stored days' first, not the test run's")
                .isEqualTo(summary.path("days").get(0).path("date").asText());

        backfill.start(SHOP, new dev.ksync.backfill.BackfillParams(1, false, true)); // without orders
        assertThat(backfill.work(SHOP)).isNull();
        assertThat(storedRows()).as("a run without orders keeps the stored orders").isEqualTo(year);
        assertThat(json.readTree(get("/api/backfill/data/shop/summary").body()).path("currency").asText())
                .as("the kept orders' currency").isEqualTo(summary.path("currency").asText()).isNotEmpty();

        backfill.start(SHOP, new dev.ksync.backfill.BackfillParams(1, true, true)); // left in progress
        HttpResponse<String> removed = rig.server().delete("/api/accounts/shop", SECRET);
        assertError(removed, 409, "backfill_running");
        assertThat(json.readTree(removed.body()).path("message").asText()).contains("cancel it first");
        assertThat(post("/api/backfill/cancel/shop").statusCode()).isEqualTo(200);
    }

    /** Every stored order and daily statistic of the shop, as text, sorted. */
    private static List<String> storedRows() {
        return rig.server().ksync.database().jdbi().withHandle(h -> h.createQuery("""
                select 'order ' || event_id || ' ' || day || ' ' || value from backfill_orders where account_id = 'shop'
                union all select 'flow ' || (to_jsonb(f) - 'account_id')::text from backfill_flow_daily f
                    where account_id = 'shop'
                union all select 'campaign ' || (to_jsonb(c) - 'account_id')::text from backfill_campaign_daily c
                    where account_id = 'shop'
                order by 1""").mapTo(String.class).list());
    }

    private static dev.ksync.backfill.Backfill backfill(dev.ksync.reporting.ReportQuota quota) {
        var ksync = rig.server().ksync;
        return new dev.ksync.backfill.Backfill(new dev.ksync.backfill.Backfill.Settings(java.util.Optional.empty(),
                dev.ksync.config.AppConfig.DEFAULT_BACKFILL_REFRESH_DAYS),
                new dev.ksync.backfill.BackfillStore(ksync.database().jdbi()), ksync.accounts(), ksync.klaviyo(), quota,
                java.time.Clock.systemUTC(), dev.ksync.backfill.BackfillListener.NONE, () -> ksync.scheduler().client());
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (code != null) assertThat(json.readTree(r.body()).path("error").asText()).as(r.body()).isEqualTo(code);
    }

    /** The status once the run has stopped writing (a cancelled run finishes its day, then stops). */
    static JsonNode awaitQuiet() throws Exception {
        JsonNode last = json.readTree(get("/api/backfill/status/shop").body());
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            JsonNode now = json.readTree(get("/api/backfill/status/shop").body());
            if (now.path("days_completed").equals(last.path("days_completed")) && i > 5) return now;
            last = now;
        }
        return last;
    }

    static JsonNode awaitEnd() throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (true) {
            JsonNode s = json.readTree(get("/api/backfill/status/shop").body());
            if (!s.path("status").asText().equals("in_progress") || Instant.now().isAfter(until)) return s;
            Thread.sleep(200);
        }
    }

    static HttpResponse<String> post(String path) throws Exception {
        return rig.server().post(path, SECRET, "");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return rig.server().get(path, SECRET);
    }
}

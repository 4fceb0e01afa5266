package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.accounts.AccountId;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/accounts/{id}/dashboard} over a real live update (sandbox → CSVs → snapshot) and backfill rows,
 * and {@code GET /api/snapshots/{id}/files/{name}}: numbers agree with the snapshot, the backfill fills the days the
 * snapshot lacks, bad ranges are 400s naming the field.
 */
class DashboardHttpTest {
    private static final String SECRET = "dash-secret";
    private static final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    static final TestRig rig = TestRig.api().secret(SECRET)
            .sandbox(SandboxOptions.defaults().withProfiles(300).withRateLimits(RateLimitMode.OFF));

    static JsonNode update;
    static JsonNode snapshot;

    @BeforeAll
    static void liveUpdate() throws Exception {
        var ksync = rig.server().ksync;
        ksync.accounts().add(new AccountId("acme"), "Acme", new Secret(TestRig.SANDBOX_KEY));
        ksync.accounts().add(new AccountId("empty"), "Empty", new Secret(TestRig.SANDBOX_KEY));
        HttpResponse<String> r = rig.server().post("/api/dashboard/update", SECRET,
                "{\"mode\":\"live\",\"accountId\":\"acme\",\"days\":30,\"timeframeKey\":\"last_30_days\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        update = json.readTree(r.body());
        snapshot = json.readTree(rig.server().get("/api/snapshots/" + update.get("snapshotId").asLong(), SECRET).body());
    }

    private static JsonNode dashboard(String account, String query) throws Exception {
        HttpResponse<String> r = rig.server().get("/api/accounts/" + account + "/dashboard" + query, SECRET);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    /** The days of the snapshot's flows and campaigns series: the range the live update covered. */
    private static List<LocalDate> mailDays() {
        List<LocalDate> days = new ArrayList<>();
        for (String source : List.of("flows", "campaigns")) {
            snapshot.get("series").get(source).forEach(row -> days.add(LocalDate.parse(row.get("day").asText())));
        }
        days.sort(null);
        return days;
    }

    private static BigDecimal sum(JsonNode values) {
        BigDecimal s = BigDecimal.ZERO;
        for (JsonNode v : values) {
            s = s.add(v.decimalValue());
        }
        return s;
    }

    @Test
    void totals_over_the_updated_window_equal_the_snapshot_totals_and_the_series_sums() throws Exception {
        List<LocalDate> days = mailDays();
        assertThat(days).as("the sandbox sent mail in the window").isNotEmpty();
        JsonNode d = dashboard("acme", "?start=" + days.getFirst() + "&end=" + days.getLast());
        for (String source : List.of("flows", "campaigns", "all")) {
            JsonNode want = snapshot.get("totals").get(source);
            JsonNode got = d.get("totals").get(source);
            assertThat(got.get("delivered").asLong()).as(source).isEqualTo(want.get("delivered").asLong());
            assertThat(got.get("opens").asLong()).as(source).isEqualTo(want.get("uniqueOpens").asLong());
            assertThat(got.get("clicks").asLong()).as(source).isEqualTo(want.get("uniqueClicks").asLong());
            assertThat(got.get("orders").asLong()).as(source).isEqualTo(want.get("placedOrders").asLong());
            assertThat(got.get("revenue").decimalValue()).as(source).isEqualByComparingTo(want.get("revenue").decimalValue());
            long delivered = got.get("delivered").asLong();
            if (delivered > 0) {
                assertThat(got.get("openRate").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(
                        got.get("opens").asLong()).divide(BigDecimal.valueOf(delivered), 6, RoundingMode.HALF_UP));
                assertThat(got.get("revenuePerRecipient").decimalValue()).isEqualByComparingTo(
                        got.get("revenue").decimalValue().divide(BigDecimal.valueOf(delivered), 2, RoundingMode.HALF_UP));
            }
            assertThat(sum(d.get("series").get(source).get("revenue")))
                    .isEqualByComparingTo(got.get("revenue").decimalValue());
        }
        assertThat(d.get("totals").get("all").get("revenue").decimalValue()).isPositive();
        assertThat(d.get("series").get("days")).hasSize(d.get("days").asInt());
        // every day of the range has a point, subscriber totals never fall, and the last one is the snapshot's
        long before = -1;
        for (JsonNode t : d.get("series").get("subscribersTotal")) {
            assertThat(t.asLong()).isGreaterThanOrEqualTo(before);
            before = t.asLong();
        }
        assertThat(before).isPositive();
        assertThat(d.get("latestSnapshot").get("id").asLong()).isEqualTo(update.get("snapshotId").asLong());
        assertThat(d.get("latestSnapshot").get("status").asText()).isEqualTo("ready");
        assertThat(d.get("dataSnapshot").get("files")).hasSize(3);
        assertThat(d.get("nextRun").get("schedule").asText()).isEqualTo("nightly");
        assertThat(d.get("topFlows").get("source").asText()).isEqualTo("snapshot");
        assertThat(d.get("topFlows").get("items").get(0).get("name").asText()).isNotBlank();
    }

    @Test
    void the_default_range_is_the_last_90_days_ending_yesterday_in_the_account_timezone() throws Exception {
        JsonNode d = dashboard("acme", "");
        LocalDate yesterday = LocalDate.now(ZoneId.of(d.get("timezone").asText())).minusDays(1);
        assertThat(d.get("end").asText()).isEqualTo(yesterday.toString());
        assertThat(d.get("start").asText()).isEqualTo(yesterday.minusDays(89).toString());
        assertThat(d.get("series").get("days")).hasSize(90);
        assertThat(d.get("series").get("flows").get("orders")).hasSize(90);
        assertThat(d.get("currency").asText()).isEqualTo("USD");
    }

    @Test
    void backfill_days_fill_what_the_snapshot_lacks_and_name_the_top_flows() throws Exception {
        List<LocalDate> days = mailDays();
        LocalDate inWindow = days.getLast();
        LocalDate old = days.getFirst().minusDays(100);
        var jdbi = rig.server().ksync.database().jdbi();
        jdbi.useHandle(h -> {
            h.execute("insert into backfill_status (account_id, status, years, include_orders, test_mode, timezone,"
                    + " first_day, last_day, days_total, currency, started_at, updated_at) values ('acme', 'completed',"
                    + " 1, true, false, 'UTC', ?, ?, 365, 'EUR', now(), now())", old, inWindow);
            h.execute("insert into backfill_flows (account_id, flow_id, name, data) values ('acme', 'BFX', 'Winback <b>',"
                    + " '{}')");
            String row = "insert into backfill_flow_daily (account_id, day, flow_id, message_id, delivered, opens_unique,"
                    + " clicks_unique, conversions, conversion_value) values ('acme', ?, 'BFX', ?, ?, ?, ?, ?, ?)";
            h.execute(row, old, "m1", 1000, 400, 90, 7, new BigDecimal("123456.78"));
            h.execute(row, old, "m2", 500, 100, 10, 1, new BigDecimal("1.22"));
            // a day the snapshot has: its row wins over the backfill's
            h.execute(row, inWindow, "m1", 999_999, 0, 0, 0, BigDecimal.ZERO);
        });
        try {
            JsonNode d = dashboard("acme", "?start=" + old + "&end=" + inWindow);
            List<String> seriesDays = new ArrayList<>();
            d.get("series").get("days").forEach(n -> seriesDays.add(n.asText()));
            int o = seriesDays.indexOf(old.toString());
            JsonNode flows = d.get("series").get("flows");
            assertThat(flows.get("delivered").get(o).asLong()).isEqualTo(1500);
            assertThat(flows.get("opens").get(o).asLong()).isEqualTo(500);
            assertThat(flows.get("orders").get(o).asLong()).isEqualTo(8);
            assertThat(flows.get("revenue").get(o).decimalValue()).isEqualByComparingTo("123458.00");
            int w = seriesDays.indexOf(inWindow.toString());
            long snapshotDelivered = 0;
            for (JsonNode row : snapshot.get("series").get("flows")) {
                if (row.get("day").asText().equals(inWindow.toString())) {
                    snapshotDelivered = row.get("delivered").asLong();
                }
            }
            if (snapshotDelivered > 0) {
                assertThat(flows.get("delivered").get(w).asLong()).isEqualTo(snapshotDelivered);
            }
            // Klaviyo's account currency (the sandbox's USD, read by the update) wins over the backfill's orders'
            // EUR; the backfill's is the fallback for accounts never updated since V8 (DashboardStoredTopsTest)
            assertThat(d.get("currency").asText()).isEqualTo("USD");
            assertThat(d.get("currencySource").asText()).isEqualTo("account");
            assertThat(d.get("backfill").asBoolean()).isTrue();
            JsonNode top = d.get("topFlows");
            assertThat(top.get("source").asText()).isEqualTo("both"); // the snapshot's days, the backfill's old one
            assertThat(top.get("items").get(0).get("id").asText()).isEqualTo("BFX");
            assertThat(top.get("items").get(0).get("name").asText()).isEqualTo("Winback <b>");
            assertThat(top.get("items").get(0).get("revenue").decimalValue()).isEqualByComparingTo("123458.00");
        } finally {
            jdbi.useHandle(h -> {
                h.execute("delete from backfill_flow_daily where account_id = 'acme'");
                h.execute("delete from backfill_flows where account_id = 'acme'");
                h.execute("delete from backfill_status where account_id = 'acme'");
            });
        }
    }

    @Test
    void campaigns_are_email_on_every_day_and_a_day_the_snapshot_covers_is_its_own_even_without_a_row()
            throws Exception {
        List<LocalDate> sent = new ArrayList<>();
        snapshot.get("series").get("campaigns").forEach(row -> sent.add(LocalDate.parse(row.get("day").asText())));
        assertThat(sent).as("the sandbox sent campaigns in the window").hasSizeGreaterThan(1);
        // a day between two of the update's campaign days without one: the update asked for it, so it is a zero day
        LocalDate quiet = sent.getFirst().datesUntil(sent.getLast()).filter(d -> !sent.contains(d)).findFirst()
                .orElseThrow();
        LocalDate old = mailDays().getFirst().minusDays(100), last = mailDays().getLast();
        var jdbi = rig.server().ksync.database().jdbi();
        jdbi.useHandle(h -> {
            h.execute("insert into backfill_campaigns (account_id, campaign_id, name, channel, data) values"
                    + " ('acme', 'BFE', 'Old email', 'email', '{}'), ('acme', 'BFS', 'Old sms', 'sms', '{}'),"
                    + " ('acme', 'BFQ', 'Quiet email', 'email', '{}'), ('acme', 'BFT', 'Text', 'sms', '{}')");
            String row = "insert into backfill_campaign_daily (account_id, day, campaign_id, message_id, channel,"
                    + " delivered, opens_unique, clicks_unique, conversions, conversion_value)"
                    + " values ('acme', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            h.execute(row, old, "BFE", "e1", "email", 1000, 300, 50, 4, new BigDecimal("100.00"));
            h.execute(row, old, "BFS", "s1", "sms", 2000, 0, 90, 9, new BigDecimal("900000.00"));
            h.execute(row, quiet, "BFQ", "q1", "email", 777, 70, 7, 1, new BigDecimal("77.00"));
            h.execute(row, quiet, "BFT", "t1", "sms", 555, 0, 5, 1, new BigDecimal("800000.00"));
            h.execute(row, sent.getFirst(), "BFT", "t2", "sms", 3000, 0, 5, 1, new BigDecimal("700000.00"));
        });
        try {
            JsonNode d = dashboard("acme", "?start=" + old + "&end=" + last);

            JsonNode want = snapshot.get("totals").get("campaigns");
            JsonNode got = d.get("totals").get("campaigns");
            // the update's email campaigns, plus the backfill's email campaign on a day the update did not ask for
            assertThat(got.get("delivered").asLong()).isEqualTo(want.get("delivered").asLong() + 1000);
            assertThat(got.get("orders").asLong()).isEqualTo(want.get("placedOrders").asLong() + 4);
            assertThat(got.get("revenue").decimalValue())
                    .isEqualByComparingTo(want.get("revenue").decimalValue().add(new BigDecimal("100.00")));
            List<String> seriesDays = new ArrayList<>();
            d.get("series").get("days").forEach(n -> seriesDays.add(n.asText()));
            JsonNode campaigns = d.get("series").get("campaigns");
            assertThat(campaigns.get("delivered").get(seriesDays.indexOf(old.toString())).asLong()).isEqualTo(1000);
            assertThat(campaigns.get("delivered").get(seriesDays.indexOf(quiet.toString())).asLong()).isZero();
            // the top campaigns take each day from where the totals do: no SMS, no quiet-day backfill row
            JsonNode top = d.get("topCampaigns");
            assertThat(top.get("source").asText()).isEqualTo("both");
            List<String> ids = new ArrayList<>();
            BigDecimal listed = BigDecimal.ZERO;
            for (JsonNode item : top.get("items")) {
                ids.add(item.get("id").asText());
                listed = listed.add(item.get("revenue").decimalValue());
            }
            assertThat(ids).contains("BFE").doesNotContain("BFS", "BFT", "BFQ");
            if (ids.size() < 10) {
                assertThat(listed).isEqualByComparingTo(got.get("revenue").decimalValue());
            }
        } finally {
            jdbi.useHandle(h -> {
                h.execute("delete from backfill_campaign_daily where account_id = 'acme'");
                h.execute("delete from backfill_campaigns where account_id = 'acme'");
            });
        }
    }

    @Test
    void an_account_without_snapshots_answers_zeros_and_no_snapshot() throws Exception {
        JsonNode d = dashboard("empty", "?start=2025-01-01&end=2025-01-31");
        assertThat(d.get("days").asInt()).isEqualTo(31);
        assertThat(d.get("totals").get("all").get("delivered").asLong()).isZero();
        assertThat(d.get("totals").get("all").get("openRate").isNull()).isTrue();
        assertThat(d.get("latestSnapshot").isNull()).isTrue();
        assertThat(d.get("topFlows").get("items")).isEmpty();
        assertThat(d.get("timezone").asText()).as("no snapshot, no backfill: days in UTC, named so").isEqualTo("UTC");
        assertThat(d.get("enabled").asBoolean()).isTrue();
        assertThat(d.get("nextRun").get("schedule").asText()).isEqualTo("nightly");
    }

    @Test
    void a_disabled_account_has_no_next_nightly_run() throws Exception {
        AccountId off = new AccountId("off");
        rig.server().ksync.accounts().add(off, "Off", new Secret(TestRig.SANDBOX_KEY));
        rig.server().ksync.accounts().setEnabled(off, false);
        JsonNode d = dashboard("off", "");
        assertThat(d.get("enabled").asBoolean()).isFalse();
        assertThat(d.get("nextRun").isNull()).as("the nightly skips a disabled account").isTrue();
    }

    @Test
    void bad_ranges_unknown_accounts_and_missing_secrets_are_refused_with_json_errors() throws Exception {
        assertError(rig.server().get("/api/accounts/acme/dashboard?start=2025-13-01", SECRET), 400, "start");
        assertError(rig.server().get("/api/accounts/acme/dashboard?end=yesterday", SECRET), 400, "end");
        assertError(rig.server().get("/api/accounts/acme/dashboard?start=2025-02-01&end=2025-01-01", SECRET), 400,
                "start");
        assertError(rig.server().get("/api/accounts/acme/dashboard?start=2021-12-31&end=2025-01-01", SECRET), 400,
                "start");
        assertThat(rig.server().get("/api/accounts/acme/dashboard?start=2022-01-01&end=2025-01-01", SECRET)
                .statusCode()).isEqualTo(200);
        assertThat(rig.server().get("/api/accounts/acme/dashboard?days=3", SECRET).statusCode()).isEqualTo(400);
        assertError(rig.server().get("/api/accounts/Bad%20Id/dashboard", SECRET), 400, "accountId");
        HttpResponse<String> nobody = rig.server().get("/api/accounts/nobody/dashboard", SECRET);
        AnswerChecks.assertNotRegistered(nobody.statusCode(), nobody.headers().firstValue("content-type").orElse(""),
                nobody.body(), "nobody", null);
        assertThat(rig.server().get("/api/accounts/acme/dashboard", null).statusCode()).isEqualTo(401);
        assertThat(rig.server().get("/api/snapshots/1/files/flows.csv", null).statusCode()).isEqualTo(401);
    }

    private static void assertError(HttpResponse<String> r, int status, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json.readTree(r.body());
        assertThat(e.get("error").asText()).isNotBlank();
        assertThat(e.get("details").get("field").asText()).isEqualTo(field);
    }

    @Test
    void snapshot_files_download_the_stored_csv_bytes_and_nothing_else() throws Exception {
        long id = update.get("snapshotId").asLong();
        var ksync = rig.server().ksync;
        String stored;
        try (InputStream in = ksync.snapshotFiles().open(id, "flows.csv")) {
            stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> r = rig.server().get("/api/snapshots/" + id + "/files/flows.csv", SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(r.body()).isEqualTo(stored).startsWith("Day,Flow ID");
        assertError(rig.server().get("/api/snapshots/" + id + "/files/secrets.txt", SECRET), 400, "name");
        assertThat(rig.server().get("/api/snapshots/" + id + "/files/..%2F..%2Fetc", SECRET).statusCode())
                .isIn(400, 404);
        assertThat(rig.server().get("/api/snapshots/999999/files/flows.csv", SECRET).statusCode()).isEqualTo(404);
    }
}

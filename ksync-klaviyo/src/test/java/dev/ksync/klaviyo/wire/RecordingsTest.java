package dev.ksync.klaviyo.wire;

import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.Listings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.ApiKey;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.KlaviyoClientConfig;
import dev.ksync.klaviyo.SpecFiles;
import dev.ksync.klaviyo.StubTransport;
import dev.ksync.klaviyo.budget.AccountBudgets;
import dev.ksync.klaviyo.budget.ManualClock;
import dev.ksync.klaviyo.budget.Window;
import dev.ksync.klaviyo.endpoint.Endpoints;
import dev.ksync.klaviyo.http.HttpAnswer;
import dev.ksync.klaviyo.report.ReportRequest;
import dev.ksync.klaviyo.report.SeriesReport;
import dev.ksync.klaviyo.report.Timeframe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real Klaviyo answers from spec/klaviyo/recorded, fed through the client by a stub transport. */
class RecordingsTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-09-04T12:00:00Z"));
    final StubTransport transport = new StubTransport();
    final AccountBudgets budgets = new AccountBudgets(clock, 1);
    final KlaviyoClient client = KlaviyoClient.builder(KlaviyoClientConfig.defaults(), ApiKey.of("pk_test_secret_1234"))
            .clock(clock).sleeper(clock.sleeper()).transport(transport).budgets(budgets).random(() -> 0.5).build();

    /** The Klaviyo answer in a recording: an envelope (nickdnk) or a bare body (amp-labs). */
    static HttpAnswer answer(Path file) {
        JsonNode doc = SpecFiles.read(file);
        if (doc.has("response")) {
            JsonNode r = doc.path("response");
            Map<String, List<String>> headers = new java.util.HashMap<>();
            r.path("headers").properties().forEach(e -> headers.put(e.getKey(), List.of(e.getValue().asText())));
            return new HttpAnswer(r.path("status").asInt(), headers, r.path("body").toString().getBytes(StandardCharsets.UTF_8));
        }
        return new HttpAnswer(200, Map.of("content-type", List.of("application/vnd.api+json")),
                doc.toString().getBytes(StandardCharsets.UTF_8));
    }

    static List<Path> recordings() {
        return SpecFiles.recordings();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void every_recording_decodes_into_typed_records_with_raw_json_kept(Path file) throws Exception {
        HttpAnswer a = answer(file);
        JsonNode body = SpecFiles.JSON.readTree(a.body());
        if (a.status() != 200) {
            assertThat(body.path("errors").path(0).path("code").asText()).isNotBlank();
            return;
        }
        Page page = Page.from(body);
        assertThat(page.data()).as("data of " + file.getFileName()).isNotEmpty();
        for (JsonNode r : page.data()) {
            Object rec = switch (r.path("type").asText()) {
                case "profile" -> Profile.from(r);
                case "event" -> Event.from(r, page.included());
                case "campaign" -> Campaign.from(r, "email");
                case "campaign-message" -> CampaignMessage.from(r, null);
                case "flow-series-report" -> SeriesReport.from(List.of(body));
                default -> throw new AssertionError("no decoder for " + r.path("type"));
            };
            assertThat(rec).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void a_page_read_raw_keeps_each_resource_byte_for_byte_with_its_id_and_scalar_attributes(Path file) throws Exception {
        HttpAnswer a = answer(file);
        if (a.status() != 200) return;
        // as recorded (compact) and pretty-printed: whitespace and newlines between tokens are Klaviyo's to send
        byte[] pretty = SpecFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(SpecFiles.JSON.readTree(a.body()));
        for (byte[] body : List.of(a.body(), pretty)) {
            Page tree = Page.from(SpecFiles.JSON.readTree(body));
            Page raw = Page.raw(body, SpecFiles.JSON);
            assertThat(raw.data()).isEmpty();
            assertThat(raw.next()).isEqualTo(tree.next());
            assertThat(raw.included().size()).isEqualTo(tree.included().size());
            assertThat(raw.raw()).hasSameSizeAs(tree.data());
            for (int i = 0; i < tree.data().size(); i++) {
                JsonNode expected = tree.data().get(i);
                RawResource r = raw.raw().get(i);
                assertThat(r.tree()).isEqualTo(expected);
                assertThat(r.id()).isEqualTo(expected.path("id").asText());
                assertThat(r.type()).isEqualTo(expected.path("type").asText());
                expected.path("attributes").properties().forEach(e -> {
                    if (e.getValue().isContainerNode()) assertThat(r.attribute(e.getKey()).isMissingNode()).isTrue();
                    else if (e.getValue().isNumber()) assertThat(r.attribute(e.getKey()).decimalValue()).as(e.getKey())
                            .isEqualByComparingTo(e.getValue().decimalValue());
                    else assertThat(r.attribute(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                });
            }
        }
    }

    @Test
    void a_raw_page_cut_off_mid_way_is_refused_as_unreadable() throws Exception {
        byte[] body = answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_events.200.json")).body();
        for (int cut : new int[] {0, 1, body.length / 3, body.length / 2, body.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(body, cut);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Page.raw(part, SpecFiles.JSON))
                    .as("cut at " + cut).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void events_page_attaches_included_metric_and_profile() {
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_events.200.json")));
        List<Event> events = client.list(Listings.EVENTS, Query.all().add("include", "metric").add("include", "profile").sort("-datetime").maxPages(1)).toList();

        assertThat(events).hasSize(2);
        Event e = events.getFirst();
        assertThat(e.id()).isEqualTo("7qWkC6JPz7g");
        assertThat(e.datetime()).isEqualTo(Instant.parse("2026-09-04T13:38:55Z"));
        assertThat(e.timestamp()).isEqualTo(1788529135L);
        assertThat(e.metricId()).isEqualTo("SkDfHe");
        assertThat(e.metric()).isNotNull();
        assertThat(e.metric().name()).isNotBlank();
        assertThat(e.profile()).isNotNull();
        assertThat(e.profile().id()).isEqualTo("01M1PA9MBA7VB258TP74BXMQTG");
        assertThat(e.value()).isEqualTo(3.0);
        assertThat(e.raw().path("attributes").path("uuid").asText()).isEqualTo(e.uuid());
        assertThat(transport.calls.getFirst().uri().getRawQuery()).contains("include=metric%2Cprofile");
    }

    @Test
    void events_page_headers_set_the_xl_windows() {
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_events.200.json")));
        client.list(Listings.EVENTS, Query.all().maxPages(1)).toList();
        var budget = budgets.forCall(Endpoints.EVENTS, false);
        assertThat(budget.windows()).containsExactlyInAnyOrder(new Window(350, Duration.ofSeconds(1)), new Window(3500, Duration.ofSeconds(60)));
        // ratelimit-remaining 349 refers to the first (burst) window
        assertThat(budget.available(new Window(350, Duration.ofSeconds(1)))).isLessThanOrEqualTo(349);
    }

    @Test
    void the_recorded_429_is_retried_after_its_retry_after() {
        String account = "{\"data\":[{\"type\":\"account\",\"id\":\"AbC123\",\"attributes\":{\"timezone\":\"America/New_York\","
                + "\"preferred_currency\":\"USD\",\"contact_information\":{\"organization_name\":\"Shop\"},\"unknown\":1}}]}";
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_accounts.429.json")))
                .then(c -> StubTransport.json(200, account));
        Instant start = clock.instant();

        Account a = client.account();

        assertThat(a.id()).isEqualTo("AbC123");
        assertThat(a.timezone()).isEqualTo("America/New_York");
        assertThat(a.organizationName()).isEqualTo("Shop");
        assertThat(transport.calls).hasSize(2);
        // Retry-After: 1 second plus jitter (0.5 × 500 ms)
        assertThat(Duration.between(start, clock.instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        var stats = client.callStats().endpoint("get_accounts");
        assertThat(stats.calls()).isEqualTo(2);
        assertThat(stats.throttled()).isEqualTo(1);
        assertThat(stats.retries()).isEqualTo(1);
        assertThat(stats.budgetWaitMs()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void flow_series_report_reads_each_bucket_as_the_date_written_and_adopts_the_daily_window() {
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__query_flow_series.200.json")));
        SeriesReport r = client.flowSeriesReport(ReportRequest.series(List.of("opens", "recipients"),
                Timeframe.key("last_7_days"), "PlacedOrderId", "daily"));
        // a Europe/Copenhagen account: its local midnights, labelled +00:00, are the days
        assertThat(r.days()).hasSize(8).first().isEqualTo(LocalDate.parse("2026-08-28"));
        assertThat(r.days().getLast()).isEqualTo(LocalDate.parse("2026-09-04"));
        assertThat(r.results()).isEmpty();
        assertThat(budgets.forCall(Endpoints.FLOW_SERIES_REPORT, false).windows()).contains(
                new Window(1, Duration.ofSeconds(1)), new Window(2, Duration.ofSeconds(60)), new Window(225, Duration.ofDays(1)));
        JsonNode sent = readJson(transport.calls.getFirst().body());
        assertThat(sent.path("data").path("type").asText()).isEqualTo("flow-series-report");
        assertThat(sent.path("data").path("attributes").path("interval").asText()).isEqualTo("daily");
    }

    @Test
    void profiles_page_parses_nulls_empty_location_and_the_escaped_next_link() {
        transport.then(c -> answer(SpecFiles.recorded("amp-labs_connectors__read-profiles-1-first-page.json")));
        List<String> nextLinks = new ArrayList<>();
        List<Profile> profiles = client.list(Listings.PROFILES, Query.all().pageSize(1).maxPages(1), ev -> nextLinks.add(ev.nextLink())).toList();
        assertThat(profiles).hasSize(1);
        Profile p = profiles.getFirst();
        assertThat(p.email()).isEqualTo("jennifer@gmail.com");
        assertThat(p.phoneNumber()).isNull();
        assertThat(p.created()).isEqualTo(Instant.parse("2024-03-26T17:24:42Z"));
        assertThat(p.lastEventDate()).isEqualTo(Instant.parse("2024-03-26T17:24:41Z"));
        assertThat(p.subscriptions()).isNull();
        assertThat(p.location()).isNotNull();
        assertThat(nextLinks).singleElement().asString().contains("page%5Bcursor%5D=");
    }

    @Test
    void campaigns_page_parses_audiences_strategy_and_microsecond_times() {
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_campaigns.200.json")));
        List<Campaign> cs = client.list(Listings.campaigns("email"), Query.all()).toList();
        assertThat(cs).isNotEmpty();
        Campaign c = cs.getFirst();
        assertThat(c.id()).isEqualTo("01M1PA99J4GSD6B3XGYF78793W");
        assertThat(c.status()).isEqualTo("Draft");
        assertThat(c.audiencesIncluded()).containsExactly("VAnKig");
        assertThat(c.sendStrategyMethod()).isEqualTo("static");
        assertThat(c.createdAt()).isNotNull();
        assertThat(c.channel()).isEqualTo("email");
        assertThat(transport.calls.getFirst().uri().getRawQuery()).contains("filter=equals%28messages.channel%2C%22email%22%29");
    }

    @Test
    void campaign_messages_parse_definition_and_null_to_one_relationships() {
        transport.then(c -> answer(SpecFiles.recorded("nickdnk_klaviyo-php-sdk__get_messages_for_campaign.200.json")));
        List<CampaignMessage> ms = client.list(Listings.CAMPAIGN_MESSAGES, Query.of("01M1PA99J4GSD6B3XGYF78793W")).toList();
        CampaignMessage m = ms.getFirst();
        assertThat(m.campaignId()).isEqualTo("01M1PA99J4GSD6B3XGYF78793W");
        assertThat(m.channel()).isEqualTo("email");
        assertThat(m.subject()).isEqualTo("SDK smoke 09048514");
        assertThat(m.label()).isEqualTo("sdk-smoke-09048514-msg");
        assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-09-04T13:38:44.942300Z"));
        assertThat(m.sendTimes()).isEmpty();
    }

    private static JsonNode readJson(byte[] b) {
        try {
            return SpecFiles.JSON.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

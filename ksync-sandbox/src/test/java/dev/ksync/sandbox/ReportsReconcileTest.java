package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.Event;
import dev.ksync.sandbox.data.FlowMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Report statistics equal what a client counts from the events API for the same window and timezone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsReconcileTest {
    private SandboxServer server;
    private SandboxClient client;
    private LocalDate first, last; // window [first, last) in the account timezone
    private ZoneId zone;
    private Map<String, List<JsonNode>> eventsByMetric;

    @BeforeAll
    void start() {
        server = TestSandboxes.start(TestSandboxes.small());
        client = new SandboxClient(server);
        zone = server.data().timezone();
        LocalDate today = LocalDate.ofInstant(TestSandboxes.NOW, zone);
        first = today.minusDays(30);
        last = today.minusDays(2);
        eventsByMetric = new HashMap<>();
        for (String m : List.of("Received Email", "Bounced Email", "Opened Email", "Clicked Email", "Unsubscribed",
                "Marked Email as Spam", "Placed Order", "Received SMS", "Clicked SMS", "Failed to Deliver SMS", "Unsubscribed from SMS")) {
            eventsByMetric.put(m, fetch(server.data().metricNamed(m).id()));
        }
    }

    @AfterAll
    void stop() { server.close(); }

    /** All events of a metric in the window, through the events API. */
    private List<JsonNode> fetch(String metricId) {
        Instant from = first.atStartOfDay(zone).toInstant(), to = last.atStartOfDay(zone).toInstant();
        String filter = "equals(metric_id,\"" + metricId + "\"),greater-or-equal(datetime," + from + "),less-than(datetime," + to + ")";
        String next = "/api/events?page[size]=1000&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8);
        List<JsonNode> out = new ArrayList<>();
        while (next != null) {
            JsonNode page = client.get(next).json();
            page.get("data").forEach(out::add);
            next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
        }
        return out;
    }

    private record Counted(long count, long unique, BigDecimal value) {}

    private Counted count(String metric, String key, String messageId) {
        long n = 0;
        Set<String> profiles = new HashSet<>();
        BigDecimal value = BigDecimal.ZERO;
        for (JsonNode e : eventsByMetric.get(metric)) {
            if (!messageId.equals(e.at("/attributes/event_properties/" + key).asText())) continue;
            n++;
            profiles.add(e.at("/relationships/profile/data/id").asText());
            value = value.add(e.at("/attributes/event_properties/$value").decimalValue());
        }
        return new Counted(n, profiles.size(), value);
    }

    private JsonNode report(String path, String type, String extra) {
        String body = "{\"data\":{\"type\":\"" + type + "\",\"attributes\":{\"statistics\":[\"recipients\",\"delivered\",\"bounced\","
                + "\"opens\",\"opens_unique\",\"open_rate\",\"clicks\",\"clicks_unique\",\"click_rate\",\"conversions\",\"conversion_uniques\","
                + "\"conversion_value\",\"conversion_rate\",\"unsubscribes\",\"unsubscribe_uniques\",\"spam_complaints\",\"failed\"],"
                + "\"timeframe\":{\"start\":\"" + first + "T00:00:00+00:00\",\"end\":\"" + last + "T00:00:00+00:00\"},"
                + "\"conversion_metric_id\":\"" + server.data().metricNamed("Placed Order").id() + "\"" + extra + "}}}";
        SandboxClient.Answer a = client.post(path, body);
        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        return a.json();
    }

    private static JsonNode row(JsonNode report, String key, String id) {
        for (JsonNode r : report.at("/data/attributes/results")) if (id.equals(r.at("/groupings/" + key).asText())) return r.get("statistics");
        throw new AssertionError("no row for " + id + " in " + report);
    }

    private void assertReconciles(JsonNode s, String messageId, boolean email) {
        Counted received = count(email ? "Received Email" : "Received SMS", "$message", messageId);
        Counted bounced = count(email ? "Bounced Email" : "Failed to Deliver SMS", "$message", messageId);
        Counted opens = count("Opened Email", "$message", messageId);
        Counted clicks = count(email ? "Clicked Email" : "Clicked SMS", "$message", messageId);
        Counted unsubs = count(email ? "Unsubscribed" : "Unsubscribed from SMS", "$message", messageId);
        Counted spam = count("Marked Email as Spam", "$message", messageId);
        Counted orders = count("Placed Order", "$attributed_message", messageId);
        assertThat(received.count()).as("the message was sent in the window").isPositive();
        assertThat(s.get("recipients").asLong()).isEqualTo(received.count() + bounced.count());
        assertThat(s.get("delivered").asLong()).isEqualTo(received.count());
        assertThat(s.get(email ? "bounced" : "failed").asLong()).isEqualTo(bounced.count());
        assertThat(s.get("opens").asLong()).isEqualTo(opens.count());
        assertThat(s.get("opens_unique").asLong()).isEqualTo(opens.unique());
        assertThat(s.get("open_rate").asDouble()).isCloseTo((double) opens.unique() / received.count(), within(1e-9));
        assertThat(s.get("clicks").asLong()).isEqualTo(clicks.count());
        assertThat(s.get("clicks_unique").asLong()).isEqualTo(clicks.unique());
        assertThat(s.get("conversions").asLong()).isEqualTo(orders.count());
        assertThat(s.get("conversion_uniques").asLong()).isEqualTo(orders.unique());
        assertThat(s.get("conversion_value").decimalValue()).isEqualByComparingTo(orders.value());
        assertThat(s.get("unsubscribes").asLong()).isEqualTo(unsubs.count());
        assertThat(s.get("unsubscribe_uniques").asLong()).isEqualTo(unsubs.unique());
        assertThat(s.get("spam_complaints").asLong()).isEqualTo(spam.count());
    }

    @Test
    void flow_message_report_matches_the_events_api() {
        JsonNode report = report("/api/flow-values-reports", "flow-values-report", "");
        FlowMessage m = server.data().flowMessages().stream().filter(x -> x.channel().equals("email"))
                .max((a, b) -> Long.compare(count("Placed Order", "$attributed_message", a.id()).count(), count("Placed Order", "$attributed_message", b.id()).count())).orElseThrow();
        assertReconciles(row(report, "flow_message_id", m.id()), m.id(), true);
        assertThat(count("Placed Order", "$attributed_message", m.id()).count()).as("some conversions to compare").isPositive();
    }

    @Test
    void campaign_message_reports_match_the_events_api_for_email_and_sms() {
        JsonNode report = report("/api/campaign-values-reports", "campaign-values-report", "");
        Instant from = first.atStartOfDay(zone).toInstant(), to = last.atStartOfDay(zone).toInstant();
        for (String channel : List.of("email", "sms")) {
            Campaign c = server.data().campaigns().stream()
                    .filter(x -> x.channel().equals(channel) && x.sent() && !x.sendTime().isBefore(from) && x.sendTime().isBefore(to)).findFirst().orElseThrow();
            assertReconciles(row(report, "campaign_message_id", c.messageIds().get(0)), c.messageIds().get(0), channel.equals("email"));
        }
    }

    @Test
    void a_daily_series_adds_up_to_the_values_report() {
        JsonNode values = report("/api/flow-values-reports", "flow-values-report", "");
        JsonNode series = report("/api/flow-series-reports", "flow-series-report", ",\"interval\":\"daily\"");
        JsonNode dates = series.at("/data/attributes/date_times");
        assertThat(dates.size()).isEqualTo((int) (last.toEpochDay() - first.toEpochDay()));
        assertThat(dates.get(0).asText()).startsWith(first + "T00:00:00");
        for (JsonNode r : values.at("/data/attributes/results")) {
            String id = r.at("/groupings/flow_message_id").asText();
            JsonNode s = row(series, "flow_message_id", id);
            for (String stat : List.of("recipients", "delivered", "opens", "clicks", "conversions")) {
                long sum = 0;
                for (JsonNode v : s.get(stat)) sum += v.asLong();
                assertThat(sum).as(stat + " of " + id).isEqualTo(r.at("/statistics/" + stat).asLong());
            }
        }
    }

    @Test
    void metric_aggregates_count_and_sum_the_same_orders() {
        String body = "{\"data\":{\"type\":\"metric-aggregate\",\"attributes\":{\"metric_id\":\"" + server.data().metricNamed("Placed Order").id()
                + "\",\"measurements\":[\"count\",\"sum_value\",\"unique\"],\"interval\":\"day\",\"timezone\":\"" + zone.getId() + "\","
                + "\"filter\":[\"greater-or-equal(datetime," + first + "T00:00:00)\",\"less-than(datetime," + last + "T00:00:00)\"]}}}";
        SandboxClient.Answer a = client.post("/api/metric-aggregates", body);
        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        JsonNode row = a.json().at("/data/attributes/data/0/measurements");
        assertThat(a.json().at("/data/attributes/dates").size()).isEqualTo((int) (last.toEpochDay() - first.toEpochDay()));
        long count = 0;
        double sum = 0;
        for (JsonNode v : row.get("count")) count += v.asLong();
        for (JsonNode v : row.get("sum_value")) sum += v.asDouble();
        List<JsonNode> orders = eventsByMetric.get("Placed Order");
        assertThat(count).isEqualTo(orders.size()).isPositive();
        assertThat(sum).isCloseTo(orders.stream().mapToDouble(e -> e.at("/attributes/event_properties/$value").asDouble()).sum(), within(1e-6));
    }

    @Test
    void ground_truth_orders_carry_items_utm_and_discounts() {
        List<Event> orders = server.data().eventsBetween(server.data().historyStart(), server.data().historyEnd()).stream()
                .filter(e -> e.metric().name().equals("Placed Order")).toList();
        assertThat(orders).isNotEmpty();
        Event o = orders.get(0);
        assertThat(o.properties()).containsKeys("$value", "$event_id", "Items", "Categories", "Brands", "Discount Codes", "$extra");
        assertThat(orders).anyMatch(e -> e.properties().containsKey("$attributed_message") && "klaviyo".equals(e.properties().get("utm_source")));
        assertThat(orders).anyMatch(e -> !((List<?>) e.properties().get("Discount Codes")).isEmpty());
    }
}

package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/metric-aggregates as PostMetricAggregateResponse and MetricAggregateQuery describe it. */
class MetricAggregateRulesTest extends SmallSandboxTest {
    private String received;

    @BeforeAll
    void start() {
        received = server.data().metricNamed("Received Email").id();
    }

    private String window() {
        java.time.LocalDate last = server.data().historyEnd().atZone(java.time.ZoneOffset.UTC).toLocalDate();
        return "\"greater-or-equal(datetime," + last.minusDays(40) + "T00:00:00)\",\"less-than(datetime," + last + "T00:00:00)\"";
    }

    private SandboxClient.Answer query(String filters, String extra) {
        return client.post("/api/metric-aggregates", "{\"data\":{\"type\":\"metric-aggregate\",\"attributes\":{\"metric_id\":\""
                + received + "\",\"measurements\":[\"count\"],\"filter\":[" + filters + "]" + extra + "}}}");
    }

    private static String refusal(SandboxClient.Answer a, String pointer) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(400);
        JsonNode e = a.json().at("/errors/0");
        assertThat(e.get("id").asText()).isNotBlank();
        assertThat(e.at("/source/pointer").asText()).isEqualTo(pointer);
        return e.get("detail").asText();
    }

    private static JsonNode ok(SandboxClient.Answer a) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        return a.json();
    }

    @Test
    void filter_datetimes_take_only_the_specs_form() {
        for (String bad : List.of("2026-01-01T00:00", "2026-01-01T00:00:00.123456789", "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:00+00:00", "2026-01-01", "\"2026-01-01T00:00:00\"")) {
            assertThat(refusal(query("\"greater-or-equal(datetime," + bad.replace("\"", "\\\"") + ")\",\"less-than(datetime,2026-01-08T00:00:00)\"", ""),
                    "/data/attributes/filter")).as(bad).contains("YYYY-MM-DDTHH:MM:SS.mmmmmm");
        }
        ok(query("\"greater-or-equal(datetime,2026-01-01T00:00:00.123456)\",\"less-than(datetime,2026-01-08T00:00:00)\"", ""));
        ok(query("\"greater-or-equal(datetime,2026-01-01T00:00:00.5)\",\"less-than(datetime,2026-01-08T00:00:00)\"", ""));
    }

    @Test
    void the_datetime_filter_must_bound_both_sides_and_span_at_most_a_year() {
        assertThat(refusal(query("\"greater-or-equal(datetime,2026-01-01T00:00:00)\"", ""), "/data/attributes/filter"))
                .contains("bound datetime on both sides");
        assertThat(refusal(query("", ""), "/data/attributes/filter")).contains("bound datetime on both sides");
        assertThat(refusal(query("\"greater-or-equal(datetime,2025-01-01T00:00:00)\",\"less-than(datetime,2026-01-08T00:00:00)\"", ""),
                "/data/attributes/filter")).contains("at most 1 year");
        assertThat(refusal(query("\"greater-or-equal(datetime,2026-01-08T00:00:00)\",\"less-than(datetime,2026-01-01T00:00:00)\"", ""),
                "/data/attributes/filter")).contains("positive");
    }

    @Test
    void pages_are_in_the_top_level_links_and_data_links_has_self_only() {
        List<String> seen = new ArrayList<>();
        JsonNode page = ok(query(window(), ",\"by\":[\"$message\"],\"page_size\":2"));
        assertThat(page.at("/data/links").properties()).extracting(java.util.Map.Entry::getKey).containsExactly("self");
        assertThat(page.at("/links/self").asText()).endsWith("/api/metric-aggregates");
        assertThat(page.at("/links/next").asText()).contains("page_cursor=");
        assertThat(page.at("/links").has("prev")).isTrue();
        int pages = 1;
        while (true) {
            page.at("/data/attributes/data").forEach(r -> seen.add(r.at("/dimensions/0").asText()));
            JsonNode next = page.at("/links/next");
            if (next.isNull()) break;
            String cursor = next.asText().substring(next.asText().indexOf("page_cursor=") + "page_cursor=".length());
            page = ok(query(window(), ",\"by\":[\"$message\"],\"page_size\":2,\"page_cursor\":\"" + cursor + "\""));
            pages++;
        }
        JsonNode whole = ok(query(window(), ",\"by\":[\"$message\"]"));
        List<String> all = new ArrayList<>();
        whole.at("/data/attributes/data").forEach(r -> all.add(r.at("/dimensions/0").asText()));
        assertThat(pages).isGreaterThan(1);
        assertThat(seen).isEqualTo(all);
    }

    @Test
    void every_sort_the_spec_lists_is_taken_and_a_measurement_orders_by_its_total() {
        Stream.of("-count", "count", "sum_value", "-unique", "$message", "-$flow", "Subject", "-form_id")
                .forEach(s -> ok(query(window(), ",\"by\":[\"$message\"],\"sort\":\"" + s + "\"")));
        assertThat(refusal(query(window(), ",\"sort\":\"-datetime\""), "/data/attributes/sort")).contains("'-datetime' is not a valid sort");
        JsonNode rows = ok(query(window(), ",\"by\":[\"$message\"],\"sort\":\"-count\"")).at("/data/attributes/data");
        List<Long> totals = new ArrayList<>();
        rows.forEach(r -> {
            long t = 0;
            for (JsonNode v : r.at("/measurements/count")) t += v.asLong();
            totals.add(t);
        });
        assertThat(totals).hasSizeGreaterThan(2).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void a_filter_on_a_dimension_is_honoured_and_other_fields_are_refused() {
        JsonNode rows = ok(query(window(), ",\"by\":[\"$message\"]")).at("/data/attributes/data");
        List<String> messages = new ArrayList<>();
        rows.forEach(r -> messages.add(r.at("/dimensions/0").asText()));
        String one = messages.stream().filter(m -> !m.isEmpty()).findFirst().orElseThrow();
        String two = messages.stream().filter(m -> !m.isEmpty() && !m.equals(one)).findFirst().orElseThrow();
        JsonNode only = ok(query(window() + ",\"equals($message,\\\"" + one + "\\\")\"", ",\"by\":[\"$message\"]")).at("/data/attributes/data");
        assertThat(only).hasSize(1);
        assertThat(only.at("/0")).isEqualTo(rows.get(messages.indexOf(one)));
        JsonNode both = ok(query(window() + ",\"any($message,[\\\"" + one + "\\\",\\\"" + two + "\\\"])\"", ",\"by\":[\"$message\"]"))
                .at("/data/attributes/data");
        assertThat(both).hasSize(2);
        assertThat(refusal(query(window() + ",\"equals(shoe_size,\\\"9\\\")\"", ""), "/data/attributes/filter"))
                .contains("'shoe_size' is not a valid filter field");
        assertThat(refusal(query(window() + ",\"contains($message,\\\"x\\\")\"", ""), "/data/attributes/filter"))
                .contains("'contains' is not valid for '$message'");
        assertThat(refusal(query("\"equals(datetime,2026-01-01T00:00:00)\"", ""), "/data/attributes/filter"))
                .contains("not valid for 'datetime'");
    }
}

package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.api.ApiRequest;
import dev.ksync.sandbox.api.Json;
import dev.ksync.sandbox.api.Links;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.reports.Reports;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reports page with page_cursor and enforce the spec's timeframe limits. */
class ReportPagingTest {
    private final SandboxData data = SandboxData.generate(42, 400, 60, TestSandboxes.FIXED);
    private final Reports reports = new Reports(data, new Links(() -> "http://sandbox"), Json.newMapper(), TestSandboxes.FIXED, 3);

    private String body(String type, String timeframe, String extra) {
        return "{\"data\":{\"type\":\"" + type + "\",\"attributes\":{\"statistics\":[\"recipients\",\"opens\"],\"timeframe\":" + timeframe
                + ",\"conversion_metric_id\":\"" + data.metricNamed("Placed Order").id() + "\"" + extra + "}}}";
    }

    private ObjectNode call(String op, String path, String body, String cursor) {
        return reports.values(op, new ApiRequest(path, Map.of(), cursor == null ? Map.of() : Map.of("page_cursor", List.of(cursor)), body));
    }

    @Test
    void values_reports_page_with_page_cursor_until_every_group_is_seen() {
        String body = body("flow-values-report", "{\"key\":\"last_30_days\"}", "");
        Set<String> groups = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = call("query_flow_values", "/api/flow-values-reports", body, cursor);
            sizes.add(page.at("/data/attributes/results").size());
            page.at("/data/attributes/results").forEach(r -> assertThat(groups.add(r.get("groupings").toString())).isTrue());
            JsonNode next = page.at("/links/next");
            cursor = next.isNull() ? null : URI.create(next.asText()).getQuery().replace("page_cursor=", "");
        } while (cursor != null);
        assertThat(sizes.size()).isGreaterThan(1);
        assertThat(sizes.subList(0, sizes.size() - 1)).containsOnly(3);
        assertThat(groups.size()).isGreaterThan(3);
    }

    @Test
    void timeframes_longer_than_a_year_or_daily_series_over_60_days_are_refused() {
        assertThatThrownBy(() -> call("query_campaign_values", "/api/campaign-values-reports",
                body("campaign-values-report", "{\"start\":\"2025-01-01T00:00:00\",\"end\":\"2026-02-01T00:00:00\"}", ""), null))
                .isInstanceOf(ApiException.class).hasMessageContaining("1 year");
        assertThatThrownBy(() -> call("query_flow_series", "/api/flow-series-reports",
                body("flow-series-report", "{\"start\":\"2026-01-01T00:00:00\",\"end\":\"2026-03-15T00:00:00\"}", ",\"interval\":\"daily\""), null))
                .isInstanceOf(ApiException.class).hasMessageContaining("daily");
        assertThatThrownBy(() -> call("query_flow_values", "/api/flow-values-reports",
                body("flow-values-report", "{\"key\":\"last_decade\"}", ""), null))
                .isInstanceOf(ApiException.class).hasMessageContaining("last_30_days");
        assertThatThrownBy(() -> call("query_flow_values", "/api/flow-values-reports",
                body("flow-values-report", "{\"key\":\"last_7_days\"}", ",\"group_by\":[\"flow_name\"]"), null))
                .isInstanceOf(ApiException.class).hasMessageContaining("flow_id and flow_message_id");
    }

    @Test
    void metric_aggregates_page_by_page_size_and_sort_by_a_dimension() {
        var aggregates = new dev.ksync.sandbox.reports.MetricAggregates(data, new Links(() -> "http://sandbox"), Json.newMapper());
        String body = "{\"data\":{\"type\":\"metric-aggregate\",\"attributes\":{\"metric_id\":\"" + data.metricNamed("Received Email").id()
                + "\",\"measurements\":[\"count\"],\"by\":[\"$message\"],\"sort\":\"-$message\",\"page_size\":2,"
                + "\"filter\":[\"greater-or-equal(datetime,2026-10-01T00:00:00)\",\"less-than(datetime,2026-11-01T00:00:00)\"]%s}}}";
        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = aggregates.query(new ApiRequest("/api/metric-aggregates", Map.of(), Map.of(), body.formatted(cursor)));
            page.at("/data/attributes/data").forEach(row -> seen.add(row.at("/dimensions/0").asText()));
            assertThat(page.at("/data/links").size()).isEqualTo(1);
            JsonNode next = page.at("/links/next");
            cursor = next.isNull() ? null : ",\"page_cursor\":\"" + URI.create(next.asText()).getQuery().replace("page_cursor=", "") + "\"";
        } while (cursor != null);
        assertThat(seen.size()).isGreaterThan(2);
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
    }

    @Test
    void a_weekly_series_starts_its_buckets_in_the_account_timezone() {
        JsonNode r = call("query_flow_series", "/api/flow-series-reports",
                body("flow-series-report", "{\"start\":\"2026-10-01T00:00:00Z\",\"end\":\"2026-11-01T00:00:00Z\"}", ",\"interval\":\"weekly\""), null);
        JsonNode dates = r.at("/data/attributes/date_times");
        assertThat(dates.size()).isEqualTo(5);
        // the account's local midnight, labelled +00:00 as Klaviyo writes it
        assertThat(dates.get(0).asText()).isEqualTo("2026-10-01T00:00:00+00:00");
        assertThat(dates.get(1).asText()).isEqualTo("2026-10-08T00:00:00+00:00");
    }
}

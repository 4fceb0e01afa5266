package dev.ksync.klaviyo.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.klaviyo.SpecFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The catalog is Java data; this proves every value of it against Klaviyo's spec. */
class EndpointsTest {
    static JsonNode spec;

    @BeforeAll
    static void load() {
        spec = SpecFiles.spec();
    }

    static List<Endpoint> endpoints() {
        return Endpoints.ALL;
    }

    private static JsonNode operation(Endpoint e) {
        return spec.path("paths").path(e.path()).path(e.method().name().toLowerCase());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void path_method_and_operation_id_exist_in_the_spec(Endpoint e) {
        assertThat(operation(e).isObject()).as(e.method() + " " + e.path()).isTrue();
        assertThat(operation(e).path("operationId").asText()).isEqualTo(e.operationId());
        List<String> scopes = new ArrayList<>();
        operation(e).path("x-klaviyo-scopes").forEach(s -> scopes.add(s.asText()));
        assertThat(String.join(",", scopes)).isEqualTo(e.scope());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void rate_tier_matches_x_klaviyo_ratelimit(Endpoint e) {
        JsonNode rl = operation(e).path("x-klaviyo-ratelimit");
        assertThat(rl.path("burst").asText()).isEqualTo(e.tier().burstPerSecond() + "/s");
        assertThat(rl.path("steady").asText()).isEqualTo(e.tier().steadyPerMinute() + "/m");
        String daily = rl.path("daily").asText("");
        assertThat(daily).isEqualTo(e.tier().hasDailyCap() ? e.tier().dailyLimit() + "/d" : "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void predictive_analytics_tier_matches_the_description(Endpoint e) {
        String d = operation(e).path("description").asText();
        Matcher m = Pattern.compile("predictive_analytics` parameter in your API request:<br>Burst: `(\\d+)/s`<br>Steady: `(\\d+)/m`")
                .matcher(d);
        if (m.find()) {
            assertThat(e.predictiveTier()).isNotNull();
            assertThat(e.predictiveTier().burstPerSecond()).isEqualTo(Integer.parseInt(m.group(1)));
            assertThat(e.predictiveTier().steadyPerMinute()).isEqualTo(Integer.parseInt(m.group(2)));
        } else {
            assertThat(e.predictiveTier()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void page_size_bounds_match_the_spec(Endpoint e) {
        JsonNode schema = null;
        boolean hasCursor = false;
        for (JsonNode p : operation(e).path("parameters")) {
            if (p.path("name").asText().equals("page[size]")) schema = p.path("schema");
            if (p.path("name").asText().equals("page[cursor]")) hasCursor = true;
        }
        if (schema == null) {
            assertThat(e.pageSize()).isNull();
        } else {
            assertThat(e.pageSize()).isEqualTo(new PageSize(schema.path("minimum").asInt(), schema.path("default").asInt(),
                    schema.path("maximum").asInt()));
        }
        assertThat(hasCursor).as("page[cursor] ⇔ LINKS_NEXT").isEqualTo(e.cursor() == CursorStyle.LINKS_NEXT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void filters_and_sorts_match_the_spec(Endpoint e) {
        Map<String, Set<String>> expected = new TreeMap<>();
        operation(e).path("x-klaviyo-filters").properties().forEach(f -> {
            Set<String> ops = new TreeSet<>();
            f.getValue().path("operators").forEach(list -> list.forEach(o -> ops.add(o.asText())));
            expected.put(f.getKey(), ops);
        });
        Map<String, Set<String>> actual = new TreeMap<>();
        e.filters().forEach((k, v) -> actual.put(k, new TreeSet<>(v)));
        assertThat(actual).isEqualTo(expected);

        Set<String> sorts = new TreeSet<>();
        for (JsonNode p : operation(e).path("parameters")) {
            if (p.path("name").asText().equals("sort")) p.path("schema").path("enum").forEach(s -> {
                if (!s.asText().startsWith("-")) sorts.add(s.asText());
            });
        }
        assertThat(new TreeSet<>(e.sorts())).isEqualTo(sorts);
    }

    /** The {@code filter} parameter's description lists the same fields and operators, for endpoints that take one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void filters_match_the_filter_parameter_description(Endpoint e) {
        String description = null;
        for (JsonNode p : operation(e).path("parameters")) {
            if (p.path("name").asText().equals("filter")) description = p.path("description").asText();
        }
        Map<String, Set<String>> described = new TreeMap<>();
        if (description != null) {
            int at = description.indexOf("Allowed field(s)/operator(s):");
            assertThat(at).as("filter description of " + e.operationId()).isNotNegative();
            for (String item : description.substring(at).split("<br>")) {
                Matcher m = Pattern.compile("^`([^`]+)`: (.+)$").matcher(item.strip());
                if (!m.find()) continue;
                Set<String> ops = new TreeSet<>();
                Matcher op = Pattern.compile("`([a-z-]+)`").matcher(m.group(2));
                while (op.find()) ops.add(op.group(1));
                described.put(m.group(1), ops);
            }
        }
        Map<String, Set<String>> actual = new TreeMap<>();
        e.filters().forEach((k, v) -> actual.put(k, new TreeSet<>(v)));
        assertThat(actual).isEqualTo(described);
    }

    @Test
    void report_cursor_styles_follow_the_spec_parameters() {
        for (Endpoint e : Endpoints.ALL) {
            boolean pageCursorParam = false;
            for (JsonNode p : operation(e).path("parameters")) pageCursorParam |= p.path("name").asText().equals("page_cursor");
            assertThat(pageCursorParam).as(e.operationId()).isEqualTo(e.cursor() == CursorStyle.REPORT_PAGE_CURSOR);
        }
        assertThat(Endpoints.METRIC_AGGREGATES.cursor()).isEqualTo(CursorStyle.BODY_PAGE_CURSOR);
    }

    @Test
    void report_limits_are_the_spec_sentences_keys_and_one_year_cap() {
        JsonNode schemas = spec.path("components").path("schemas");
        JsonNode series = schemas.path("FlowSeriesRequestDTOResourceObject").at("/properties/attributes/properties");
        List<String> sentences = new ArrayList<>();
        for (String line : series.path("interval").path("description").asText().split("\n")) {
            if (line.startsWith("If ")) sentences.add(line);
        }
        List<String> ours = new ArrayList<>();
        Set<String> wires = new TreeSet<>();
        for (ReportLimits.Interval i : ReportLimits.Interval.values()) {
            if (i.rule() != null) ours.add(i.rule());
            wires.add(i.wire());
            i.max().ifPresent(p -> assertThat(p.toTotalMonths()).as("a whole number of days").isZero());
        }
        assertThat(ours).containsExactlyInAnyOrderElementsOf(sentences);
        Set<String> specWires = new TreeSet<>();
        series.path("interval").path("enum").forEach(v -> specWires.add(v.asText()));
        assertThat(wires).isEqualTo(specWires);

        Set<String> keys = new TreeSet<>();
        schemas.at("/Timeframe/properties/key/enum").forEach(k -> keys.add(k.asText()));
        assertThat(ReportLimits.KEY_LONGEST_DAYS.keySet()).isEqualTo(keys);
        assertThat(ReportLimits.MAX_TIMEFRAME).isEqualTo(java.time.Period.ofYears(1));
        for (String dto : List.of("FlowValuesRequestDTOResourceObject", "FlowSeriesRequestDTOResourceObject", "CampaignValuesRequestDTOResourceObject")) {
            assertThat(schemas.path(dto).at("/properties/attributes/properties/timeframe/description").asText())
                    .as(dto).contains("(Max length: 1 year)");
        }
    }
}

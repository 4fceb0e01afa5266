package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.Endpoints;
import dev.ksync.sandbox.query.FieldRule;
import dev.ksync.sandbox.query.ReportLimits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sandbox's own copy of the spec facts (tiers, page sizes, filters, sorts, includes) equals stable.json. */
class EndpointsMatchSpecTest {
    private static final SpecSchemas SPEC = new SpecSchemas();

    static Stream<Endpoint> endpoints() {
        return new Endpoints().all().stream();
    }

    private static JsonNode param(JsonNode op, String name) {
        for (JsonNode p : op.path("parameters")) if (name.equals(p.path("name").asText())) return p;
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void endpoint_facts_equal_the_spec(Endpoint e) {
        JsonNode op = SPEC.operation(e.method(), e.path());
        assertThat(op.isMissingNode()).as(e.method() + " " + e.path() + " in the spec").isFalse();
        assertThat(op.path("operationId").asText()).isEqualTo(e.operationId());
        JsonNode rl = op.path("x-klaviyo-ratelimit");
        assertThat(rl.path("burst").asText()).isEqualTo(e.tier().burstPerSecond() + "/s");
        assertThat(rl.path("steady").asText()).isEqualTo(e.tier().steadyPerMinute() + "/m");
        assertThat(rl.path("daily").asText("")).isEqualTo(e.tier().hasDaily() ? e.tier().dailyLimit() + "/d" : "");

        JsonNode size = param(op, "page[size]");
        if (e.paged()) {
            assertThat(size).as("page[size] of " + e.operationId()).isNotNull();
            assertThat(size.at("/schema/default").asInt()).isEqualTo(e.pageDefault());
            assertThat(size.at("/schema/maximum").asInt()).isEqualTo(e.pageMax());
        } else {
            assertThat(size).as("no page[size] on " + e.operationId()).isNull();
        }

        JsonNode sort = param(op, "sort");
        Set<String> specSorts = new TreeSet<>();
        if (sort != null) sort.at("/schema/enum").forEach(v -> specSorts.add(v.asText().replaceFirst("^-", "")));
        assertThat(new TreeSet<>(e.sorts())).isEqualTo(specSorts);

        JsonNode include = param(op, "include");
        Set<String> specIncludes = new TreeSet<>();
        if (include != null) include.at("/schema/items/enum").forEach(v -> specIncludes.add(v.asText()));
        assertThat(new TreeSet<>(e.includes())).isEqualTo(specIncludes);

        JsonNode filters = op.path("x-klaviyo-filters");
        Set<String> specFields = new TreeSet<>();
        filters.fieldNames().forEachRemaining(specFields::add);
        assertThat(new TreeSet<>(e.filters().keySet())).isEqualTo(specFields);
        for (String f : specFields) {
            JsonNode spec = filters.get(f);
            Set<String> ops = new TreeSet<>();
            spec.path("operators").forEach(list -> list.forEach(o -> ops.add(o.asText())));
            FieldRule rule = e.filters().get(f);
            assertThat(new TreeSet<>(rule.operators())).as(f + " operators").isEqualTo(ops);
            String type = spec.at("/value/type").asText("none"), format = spec.at("/value/format").asText("");
            FieldRule.ValueType expected = format.equals("date-time") ? FieldRule.ValueType.DATETIME
                    : type.equals("boolean") ? FieldRule.ValueType.BOOLEAN : type.equals("number") ? FieldRule.ValueType.NUMBER
                    : type.equals("string") ? FieldRule.ValueType.STRING : FieldRule.ValueType.NONE;
            assertThat(rule.type()).as(f + " value type").isEqualTo(expected);
            List<String> enums = new ArrayList<>();
            spec.at("/value/enum").forEach(v -> enums.add(v.asText()));
            assertThat(new TreeSet<>(rule.enumValues())).as(f + " values").isEqualTo(new TreeSet<>(enums));
        }
        Set<String> specTypes = new TreeSet<>();
        for (JsonNode p : op.path("parameters")) {
            String name = p.path("name").asText();
            if (!name.startsWith("fields[")) continue;
            String type = name.substring(7, name.length() - 1);
            specTypes.add(type);
            Set<String> values = new TreeSet<>();
            p.at("/schema/items/enum").forEach(v -> values.add(v.asText()));
            assertThat(new TreeSet<>(e.sparseFields().getOrDefault(type, Set.of()))).as(name + " of " + e.operationId()).isEqualTo(values);
        }
        assertThat(new TreeSet<>(e.sparseFields().keySet())).isEqualTo(specTypes);
        boolean required = param(op, "filter") != null && param(op, "filter").path("required").asBoolean(false);
        assertThat(e.requiredFilter() != null).as("filter required on " + e.operationId()).isEqualTo(required);
    }

    @Test
    void the_lower_tiers_are_the_ones_the_spec_describes() {
        Pattern p = Pattern.compile("Rate limits when using the `([^=`]+)=([^`]+)` parameter in your API request:<br>Burst: `(\\d+)/s`<br>Steady: `(\\d+)/m`");
        for (Endpoint e : new Endpoints().all()) {
            Set<String> spec = new TreeSet<>();
            Matcher m = p.matcher(SPEC.operation(e.method(), e.path()).path("description").asText());
            while (m.find()) spec.add(m.group(1) + "=" + m.group(2) + " " + m.group(3) + "/" + m.group(4));
            Set<String> ours = new TreeSet<>();
            for (Endpoint.TierRule r : e.lowerTiers()) ours.add(r.parameter() + "=" + r.value() + " " + r.tier().burstPerSecond() + "/" + r.tier().steadyPerMinute());
            assertThat(ours).as(e.operationId()).isEqualTo(spec);
        }
    }

    @Test
    void the_revision_is_the_specs() {
        assertThat(SPEC.spec().at("/info/version").asText()).isEqualTo(Endpoints.REVISION);
    }

    @Test
    void series_interval_limits_are_the_spec_sentences_and_every_report_timeframe_is_capped_at_a_year() {
        JsonNode schemas = SPEC.spec().path("components").path("schemas");
        JsonNode series = schemas.path("FlowSeriesRequestDTOResourceObject").path("properties").path("attributes").path("properties");
        List<String> sentences = new ArrayList<>();
        for (String line : series.path("interval").path("description").asText().split("\n")) {
            if (line.startsWith("If ")) sentences.add(line);
        }
        List<String> ours = new ArrayList<>();
        Set<String> wires = new TreeSet<>();
        for (ReportLimits.Interval i : ReportLimits.Interval.values()) {
            if (i.rule() != null) ours.add(i.rule());
            wires.add(i.wire());
        }
        assertThat(ours).containsExactlyInAnyOrderElementsOf(sentences);
        Set<String> specWires = new TreeSet<>();
        series.path("interval").path("enum").forEach(v -> specWires.add(v.asText()));
        assertThat(wires).isEqualTo(specWires);
        assertThat(ReportLimits.MAX_TIMEFRAME).isEqualTo(java.time.Period.ofYears(1));
        for (String dto : List.of("FlowValuesRequestDTOResourceObject", "FlowSeriesRequestDTOResourceObject", "CampaignValuesRequestDTOResourceObject")) {
            assertThat(schemas.path(dto).at("/properties/attributes/properties/timeframe/description").asText())
                    .as(dto).contains("(Max length: 1 year)");
        }
    }

    @Test
    void metric_aggregate_measurements_dimensions_and_sorts_are_the_specs_enums() {
        JsonNode q = SPEC.spec().at("/components/schemas/MetricAggregateQueryResourceObject/properties/attributes/properties");
        List<String> measurements = new ArrayList<>(), dimensions = new ArrayList<>();
        Set<String> sorts = new TreeSet<>();
        q.at("/measurements/items/enum").forEach(v -> measurements.add(v.asText()));
        q.at("/by/items/enum").forEach(v -> dimensions.add(v.asText()));
        q.at("/sort/enum").forEach(v -> sorts.add(v.asText()));
        assertThat(dev.ksync.sandbox.reports.MetricAggregates.MEASUREMENTS).containsExactlyInAnyOrderElementsOf(measurements);
        assertThat(dev.ksync.sandbox.reports.MetricAggregates.DIMENSIONS).containsExactlyElementsOf(dimensions);
        assertThat(new TreeSet<>(dev.ksync.sandbox.reports.MetricAggregates.SORTS)).isEqualTo(sorts);
        assertThat(q.at("/filter/description").asText()).contains("ISO 8601 format (YYYY-MM-DDTHH:MM:SS.mmmmmm)");
    }

    @Test
    void report_filter_rules_are_the_spec_sentences() {
        JsonNode schemas = SPEC.spec().path("components").path("schemas");
        for (String dto : List.of("FlowValuesRequestDTOResourceObject", "FlowSeriesRequestDTOResourceObject", "CampaignValuesRequestDTOResourceObject")) {
            List<String> lines = List.of(schemas.path(dto).at("/properties/attributes/properties/filter/description").asText().split("\n"));
            assertThat(lines).as(dto).contains(ReportLimits.MAX_FILTER_LIST_RULE, ReportLimits.ONE_FILTER_RULE, ReportLimits.SEND_CHANNEL_RULE);
        }
        assertThat(ReportLimits.MAX_FILTER_LIST_RULE).contains("Max of " + ReportLimits.MAX_FILTER_LIST + " items");
        assertThat(ReportLimits.SEND_CHANNEL_RULE).endsWith("allowed values are " + String.join(", ", ReportLimits.SEND_CHANNELS) + ".");
    }
}

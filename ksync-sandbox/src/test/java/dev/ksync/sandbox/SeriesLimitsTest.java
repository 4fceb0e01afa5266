package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Report timeframes at the spec's boundaries, over HTTP: hourly ≤ 7 days, daily ≤ 60 days, monthly ≤ 52 weeks,
 * weekly and values reports ≤ 1 year (exactly one calendar year allowed). Just inside answers 200, one second more
 * answers 400 with the spec's sentence.
 */
class SeriesLimitsTest {
    static SandboxServer sandbox;
    static SandboxClient client;
    static String conversion;

    static final String YEAR_RULE = "The timeframe cannot be longer than 1 year.";

    @BeforeAll
    static void start() {
        sandbox = TestSandboxes.start(TestSandboxes.small());
        client = new SandboxClient(sandbox);
        conversion = sandbox.data().metricNamed("Placed Order").id();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static SandboxClient.Answer report(String type, String start, String end, String interval) {
        String path = "/api/" + type + "s";
        return client.post(path, "{\"data\":{\"type\":\"" + type + "\",\"attributes\":{\"statistics\":[\"recipients\"],"
                + "\"timeframe\":{\"start\":\"" + start + "\",\"end\":\"" + end + "\"},"
                + (interval == null ? "" : "\"interval\":\"" + interval + "\",")
                + "\"conversion_metric_id\":\"" + conversion + "\"}}}");
    }

    private static void assertRefused(SandboxClient.Answer a, String detail) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(400);
        JsonNode err = a.json().at("/errors/0");
        assertThat(err.path("code").asText()).isEqualTo("invalid");
        assertThat(err.path("detail").asText()).isEqualTo(detail);
        assertThat(err.at("/source/pointer").asText()).isEqualTo("/data/attributes/timeframe");
    }

    @ParameterizedTest(name = "{0}: {1} → {2} fits, → {3} does not")
    @CsvSource(delimiter = '|', textBlock = """
            hourly  | 2026-11-01T00:00:00 | 2026-11-08T00:00:00 | 2026-11-08T00:00:01 | If hourly is used, the timeframe cannot be longer than 7 days.
            daily   | 2026-09-01T00:00:00 | 2026-10-31T00:00:00 | 2026-10-31T00:00:01 | If daily is used, the timeframe cannot be longer than 60 days.
            monthly | 2025-11-20T00:00:00 | 2026-11-19T00:00:00 | 2026-11-19T00:00:01 | If monthly is used, the timeframe cannot be longer than 52 weeks.
            weekly  | 2025-11-20T00:00:00 | 2026-11-20T00:00:00 | 2026-11-20T00:00:01 | The timeframe cannot be longer than 1 year.
            """)
    void a_series_fits_up_to_its_intervals_limit_and_not_a_second_more(String interval, String start, String fits, String tooLong,
                                                                       String rule) {
        SandboxClient.Answer ok = report("flow-series-report", start, fits, interval);
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(200);
        assertThat(ok.json().at("/data/attributes/date_times").size()).isPositive();
        assertRefused(report("flow-series-report", start, tooLong, interval), rule);
    }

    @Test
    void a_weekly_flow_series_over_exactly_365_days_answers_200() {
        SandboxClient.Answer a = report("flow-series-report", "2025-03-01T00:00:00", "2026-03-01T00:00:00", "weekly");
        assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
        assertThat(a.json().at("/data/attributes/date_times").size()).isEqualTo(53);
    }

    @Test
    void a_year_is_a_calendar_year_so_one_with_a_leap_day_has_366_days() {
        assertThat(report("flow-series-report", "2023-06-01T00:00:00", "2024-06-01T00:00:00", "weekly").status()).isEqualTo(200);
        assertRefused(report("flow-series-report", "2024-06-01T00:00:00", "2025-06-02T00:00:00", "weekly"), YEAR_RULE);
    }

    @Test
    void a_monthly_series_over_53_weeks_answers_400_with_the_specs_wording() {
        assertRefused(report("flow-series-report", "2025-11-01T00:00:00", "2026-11-07T00:00:00", "monthly"),
                "If monthly is used, the timeframe cannot be longer than 52 weeks.");
    }

    @Test
    void values_reports_take_exactly_one_year_and_not_a_second_more() {
        for (String type : new String[]{"flow-values-report", "campaign-values-report"}) {
            SandboxClient.Answer ok = report(type, "2025-11-20T00:00:00", "2026-11-20T00:00:00", null);
            assertThat(ok.status()).as(type + ": " + ok.raw().body()).isEqualTo(200);
            assertRefused(report(type, "2025-11-20T00:00:00", "2026-11-20T00:00:01", null), YEAR_RULE);
        }
    }

    @Test
    void named_timeframes_follow_the_same_limits() {
        SandboxClient.Answer hourly = client.post("/api/flow-series-reports", "{\"data\":{\"type\":\"flow-series-report\",\"attributes\":"
                + "{\"statistics\":[\"recipients\"],\"timeframe\":{\"key\":\"last_7_days\"},\"interval\":\"hourly\",\"conversion_metric_id\":\""
                + conversion + "\"}}}");
        assertThat(hourly.status()).as(hourly.raw().body()).isEqualTo(200);
        SandboxClient.Answer monthly = client.post("/api/flow-series-reports", "{\"data\":{\"type\":\"flow-series-report\",\"attributes\":"
                + "{\"statistics\":[\"recipients\"],\"timeframe\":{\"key\":\"last_365_days\"},\"interval\":\"monthly\",\"conversion_metric_id\":\""
                + conversion + "\"}}}");
        assertRefused(monthly, "If monthly is used, the timeframe cannot be longer than 52 weeks.");
    }
}

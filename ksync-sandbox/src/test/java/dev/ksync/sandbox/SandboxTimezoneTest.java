package dev.ksync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The account timezone an option sets, and series buckets written as Klaviyo writes them in it. */
class SandboxTimezoneTest {
    @Test
    void the_timezone_option_sets_the_account_timezone_and_series_label_its_local_midnights_utc() {
        try (SandboxServer server = TestSandboxes.start(TestSandboxes.small().withTimezone("America/Los_Angeles"))) {
            assertThat(server.data().timezone()).isEqualTo(ZoneId.of("America/Los_Angeles"));
            SandboxClient client = new SandboxClient(server);
            assertThat(client.get("/api/accounts").json().at("/data/0/attributes/timezone").asText())
                    .isEqualTo("America/Los_Angeles");
            String body = "{\"data\":{\"type\":\"flow-series-report\",\"attributes\":{\"statistics\":[\"recipients\"],"
                    + "\"timeframe\":{\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-11-04T00:00:00Z\"},\"interval\":\"daily\","
                    + "\"conversion_metric_id\":\"" + server.data().metricNamed("Placed Order").id() + "\"}}}";
            SandboxClient.Answer a = client.post("/api/flow-series-reports", body);
            assertThat(a.status()).as(a.raw().body()).isEqualTo(200);
            JsonNode dates = a.json().at("/data/attributes/date_times");
            // Los Angeles' midnights (07:00Z and 08:00Z across the DST change of Nov 1) written as Klaviyo does
            assertThat(dates).extracting(JsonNode::asText).containsExactly(
                    "2026-11-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00", "2026-11-03T00:00:00+00:00");
        }
    }

    @Test
    void an_unknown_timezone_is_refused() {
        assertThatThrownBy(() -> SandboxOptions.defaults().withTimezone("Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timezone");
    }
}

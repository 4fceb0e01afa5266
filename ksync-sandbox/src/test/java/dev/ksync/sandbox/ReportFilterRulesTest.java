package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The report DTOs' filter rules: at most 100 items a list, one filter per attribute, the listed send channels. */
class ReportFilterRulesTest extends SmallSandboxTest {

    private SandboxClient.Answer report(String path, String type, String filter) {
        String body = "{\"data\":{\"type\":\"" + type + "\",\"attributes\":{\"statistics\":[\"recipients\"],"
                + "\"timeframe\":{\"key\":\"last_30_days\"},\"conversion_metric_id\":\"" + server.data().metricNamed("Placed Order").id()
                + "\",\"filter\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(filter) + "}}}";
        return client.post(path, body);
    }

    /** The detail of a 400 JSON:API errors document pointing at the filter. */
    private static String refusal(SandboxClient.Answer a) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(400);
        JsonNode e = a.json().at("/errors/0");
        assertThat(e.get("id").asText()).isNotBlank();
        assertThat(e.get("status").asInt()).isEqualTo(400);
        assertThat(e.at("/source/pointer").asText()).isEqualTo("/data/attributes/filter");
        return e.get("detail").asText();
    }

    private static String ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"id" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void a_list_filter_of_101_items_is_refused_and_100_are_answered() {
        assertThat(report("/api/flow-values-reports", "flow-values-report", "contains-any(flow_id," + ids(100) + ")").status()).isEqualTo(200);
        assertThat(refusal(report("/api/flow-values-reports", "flow-values-report", "contains-any(flow_id," + ids(101) + ")")))
                .contains("101 items").contains("Max of 100 items per list filter.");
        assertThat(refusal(report("/api/campaign-values-reports", "campaign-values-report",
                "and(equals(send_channel,\"email\"),contains-any(campaign_id," + ids(150) + "))"))).contains("150 items");
    }

    @Test
    void two_filters_on_one_attribute_are_refused() {
        assertThat(refusal(report("/api/flow-values-reports", "flow-values-report", "and(equals(flow_id,\"a\"),equals(flow_id,\"b\"))")))
                .contains("'flow_id' is filtered more than once").contains("Only one filter can be used per attribute.");
        assertThat(refusal(report("/api/campaign-values-reports", "campaign-values-report",
                "equals(send_channel,\"email\"),contains-any(send_channel,[\"sms\"])"))).contains("'send_channel' is filtered more than once");
    }

    @Test
    void a_send_channel_the_spec_does_not_list_is_refused() {
        assertThat(refusal(report("/api/flow-values-reports", "flow-values-report", "equals(send_channel,\"push\")")))
                .contains("'push' is not a valid send_channel").contains("email, sms, push-notification, whatsapp");
        assertThat(refusal(report("/api/campaign-values-reports", "campaign-values-report", "contains-any(send_channel,[\"email\",\"fax\"])")))
                .contains("'fax'");
        for (String channel : new String[] {"email", "sms", "push-notification", "whatsapp"}) {
            assertThat(report("/api/campaign-values-reports", "campaign-values-report", "equals(send_channel,\"" + channel + "\")").status())
                    .as(channel).isEqualTo(200);
        }
    }

    @Test
    void campaign_reports_filter_only_on_the_attributes_their_dto_lists() {
        assertThat(refusal(report("/api/campaign-values-reports", "campaign-values-report", "equals(group,\"x\")")))
                .contains("'group' is not a valid filter field");
    }
}

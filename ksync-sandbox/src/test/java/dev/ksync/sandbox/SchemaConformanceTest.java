package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ksync.sandbox.data.Campaign;
import dev.ksync.sandbox.data.FlowAction;
import dev.ksync.sandbox.data.FlowMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint's answers (first page, later page, included, errors, 429) validate against stable.json. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaConformanceTest {
    private SandboxServer server;
    private SandboxClient client;
    private SpecSchemas spec;
    private final List<String> failures = new ArrayList<>();
    private int validated;

    @BeforeAll
    void start() {
        server = TestSandboxes.start(TestSandboxes.small());
        client = new SandboxClient(server);
        spec = new SpecSchemas();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** GETs the URL, validates it and (when asked) its next page against the operation's 200 schema. */
    private JsonNode check(String specPath, String url, boolean alsoNext) {
        SandboxClient.Answer a = client.get(url);
        assertThat(a.status()).as(url + " -> " + a.raw().body()).isEqualTo(200);
        record(specPath, "GET", "200", url, a.json());
        if (alsoNext) {
            String next = a.json().path("links").path("next").asText(null);
            assertThat(next).as("next link of " + url).isNotNull();
            SandboxClient.Answer b = client.get(next);
            assertThat(b.status()).isEqualTo(200);
            record(specPath, "GET", "200", next, b.json());
        }
        return a.json();
    }

    private void record(String specPath, String method, String status, String what, JsonNode body) {
        List<String> errors = spec.validate(method, specPath, status, body);
        validated++;
        if (!errors.isEmpty()) failures.add(method + " " + what + " (" + status + "):\n  " + String.join("\n  ", errors.subList(0, Math.min(8, errors.size()))));
    }

    private void component(String name, JsonNode node, String what) {
        List<String> errors = spec.validateComponent(name, node);
        validated++;
        if (!errors.isEmpty()) failures.add(name + " for " + what + ":\n  " + String.join("\n  ", errors));
    }

    private void checkError(String specPath, String method, String url, String body, int expected) {
        SandboxClient.Answer a = method.equals("GET") ? client.get(url) : client.post(url, body);
        assertThat(a.status()).as(url + " -> " + a.raw().body()).isEqualTo(expected);
        assertThat(a.header("content-type")).startsWith("application/vnd.api+json");
        record(specPath, method, "4XX", url, a.json());
    }

    @Test
    void every_endpoint_answer_validates_against_the_spec() {
        var d = server.data();
        check("/api/accounts", "/api/accounts", false);
        check("/api/profiles", "/api/profiles?page[size]=3&additional-fields[profile]=subscriptions,predictive_analytics", true);
        check("/api/profiles", "/api/profiles?page[size]=2&include=push-tokens,conversations&sort=-updated", true);
        String pid = d.profile(7).id();
        check("/api/profiles/{id}", "/api/profiles/" + pid + "?additional-fields[profile]=subscriptions&include=lists,segments", false);
        check("/api/events", "/api/events?page[size]=5&include=metric,profile&sort=-datetime", true);
        check("/api/events", "/api/events?page[size]=3&filter=" + q("equals(metric_id,\"" + d.metricNamed("Placed Order").id() + "\")"), true);
        check("/api/metrics", "/api/metrics?include=flow-triggers", false);
        check("/api/metrics/{id}", "/api/metrics/" + d.metricNamed("Placed Order").id() + "?include=flow-triggers", false);
        check("/api/flows", "/api/flows?page[size]=3&include=flow-actions,tags", true);
        String flowId = d.flows().get(1).id();
        check("/api/flows/{id}", "/api/flows/" + flowId + "?include=flow-actions,tags", false);
        for (var f : d.flows()) check("/api/flows/{id}", "/api/flows/" + f.id() + "?additional-fields[flow]=definition", false);
        check("/api/flows/{id}/flow-actions", "/api/flows/" + flowId + "/flow-actions?page[size]=2", true);
        FlowAction email = d.flowActions().stream().filter(a -> a.type().equals("send-email")).findFirst().orElseThrow();
        FlowAction sms = d.flowActions().stream().filter(a -> a.type().equals("send-sms")).findFirst().orElseThrow();
        check("/api/flow-actions/{id}/flow-messages", "/api/flow-actions/" + email.id() + "/flow-messages", false);
        check("/api/flow-actions/{id}/flow-messages", "/api/flow-actions/" + sms.id() + "/flow-messages", false);
        for (FlowMessage m : List.of(d.flowMessages().get(0), d.flowMessages().stream().filter(x -> x.channel().equals("sms")).findFirst().orElseThrow())) {
            check("/api/flow-messages/{id}", "/api/flow-messages/" + m.id() + "?include=flow-action,template", false);
        }
        check("/api/campaigns", "/api/campaigns?page[size]=3&include=campaign-messages,tags&filter=" + q("equals(messages.channel,'email')"), true);
        check("/api/campaigns", "/api/campaigns?page[size]=2&sort=-scheduled_at&filter=" + q("equals(messages.channel,'sms'),equals(archived,false)"), true);
        for (Campaign c : List.of(d.campaigns().get(0), d.campaigns().stream().filter(x -> x.channel().equals("sms")).findFirst().orElseThrow(),
                d.campaigns().stream().filter(x -> x.status().equals("Draft")).findFirst().orElseThrow())) {
            check("/api/campaigns/{id}/campaign-messages", "/api/campaigns/" + c.id() + "/campaign-messages?include=campaign,template", false);
            check("/api/campaign-messages/{id}", "/api/campaign-messages/" + c.messageIds().get(0) + "?include=campaign,template", false);
        }
        check("/api/lists", "/api/lists?page[size]=3&include=tags,flow-triggers", true);
        check("/api/segments", "/api/segments?include=tags", true);
        check("/api/templates", "/api/templates?page[size]=4", true);
        String listId = d.lists().get(0).id(), segmentId = d.segments().get(0).id();
        check("/api/lists/{id}", "/api/lists/" + listId + "?additional-fields[list]=profile_count&include=tags,flow-triggers", false);
        check("/api/segments/{id}", "/api/segments/" + segmentId + "?additional-fields[segment]=profile_count&include=tags", false);
        check("/api/lists/{id}/profiles", "/api/lists/" + listId + "/profiles?page[size]=3&additional-fields[profile]=subscriptions,predictive_analytics", true);
        check("/api/segments/{id}/profiles", "/api/segments/" + segmentId + "/profiles?page[size]=3&sort=-joined_group_at", true);
        check("/api/campaigns/{id}", "/api/campaigns/" + d.campaigns().get(0).id() + "?include=campaign-messages,tags", false);
        check("/api/templates/{id}", "/api/templates/" + d.templates().get(0).id(), false);
        check("/api/tags/{id}", "/api/tags/" + d.tags().get(0).id() + "?include=tag-group", false);
        check("/api/flow-actions/{id}", "/api/flow-actions/" + d.flowActions().get(0).id() + "?include=flow,flow-messages", false);
        String eventId = client.get("/api/events?page[size]=1").json().at("/data/0/id").asText();
        check("/api/events/{id}", "/api/events/" + eventId + "?include=metric,profile", false);
        check("/api/tags", "/api/tags?page[size]=4&include=tag-group", true);

        String conv = d.metricNamed("Placed Order").id();
        String tf = "{\"start\":\"2026-10-10T00:00:00\",\"end\":\"2026-11-15T00:00:00\"}";
        for (String[] r : new String[][]{
                {"/api/flow-values-reports", "{\"data\":{\"type\":\"flow-values-report\",\"attributes\":{\"statistics\":[\"recipients\",\"opens_unique\",\"open_rate\",\"conversion_value\"],\"timeframe\":" + tf + ",\"conversion_metric_id\":\"" + conv + "\"}}}"},
                {"/api/flow-series-reports", "{\"data\":{\"type\":\"flow-series-report\",\"attributes\":{\"statistics\":[\"recipients\",\"clicks\"],\"timeframe\":" + tf + ",\"interval\":\"daily\",\"conversion_metric_id\":\"" + conv + "\"}}}"},
                {"/api/campaign-values-reports", "{\"data\":{\"type\":\"campaign-values-report\",\"attributes\":{\"statistics\":[\"recipients\",\"delivered\",\"conversions\"],\"timeframe\":{\"key\":\"last_30_days\"},\"conversion_metric_id\":\"" + conv + "\",\"group_by\":[\"campaign_id\",\"campaign_message_id\",\"send_channel\",\"campaign_message_name\"]}}}"},
                {"/api/metric-aggregates", "{\"data\":{\"type\":\"metric-aggregate\",\"attributes\":{\"metric_id\":\"" + conv + "\",\"measurements\":[\"count\",\"sum_value\",\"unique\"],\"interval\":\"day\",\"by\":[\"$attributed_flow\"],\"filter\":[\"greater-or-equal(datetime,2026-11-01T00:00:00)\",\"less-than(datetime,2026-11-08T00:00:00)\"],\"timezone\":\"America/New_York\"}}}"}}) {
            SandboxClient.Answer a = client.post(r[0], r[1]);
            assertThat(a.status()).as(r[0] + " -> " + a.raw().body()).isEqualTo(200);
            record(r[0], "POST", "200", r[0], a.json());
        }

        checkError("/api/profiles", "GET", "/api/profiles?filter=" + q("contains(email,\"x\")"), null, 400);
        checkError("/api/profiles", "GET", "/api/profiles?sort=first_name", null, 400);
        checkError("/api/profiles", "GET", "/api/profiles?page[size]=101", null, 400);
        checkError("/api/profiles/{id}", "GET", "/api/profiles/01NOTAREALPROFILEID0000000", null, 404);
        checkError("/api/events", "GET", "/api/events?filter=" + q("greater-than(datetime,\"yesterday\")"), null, 400);
        checkError("/api/campaigns", "GET", "/api/campaigns", null, 400);
        checkError("/api/flows", "GET", "/api/flows?include=campaigns", null, 400);
        checkError("/api/flow-values-reports", "POST", "/api/flow-values-reports",
                "{\"data\":{\"type\":\"flow-values-report\",\"attributes\":{\"statistics\":[\"recipients\"],\"timeframe\":{\"start\":\"2024-01-01T00:00:00\",\"end\":\"2026-01-01T00:00:00\"},\"conversion_metric_id\":\"" + conv + "\"}}}", 400);
        SandboxClient anonymous = new SandboxClient(server.baseUrl(), "pk_wrong");
        SandboxClient.Answer unauth = anonymous.get("/api/accounts");
        assertThat(unauth.status()).isEqualTo(401);
        record("/api/accounts", "GET", "4XX", "401", unauth.json());
        server.injectFaults(FaultKind.THROTTLE_429, 1);
        SandboxClient.Answer throttled = client.get("/api/profiles");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("retry-after")).isEqualTo("1");
        assertThat(throttled.json().at("/errors/0/code").asText()).isEqualTo("throttled");
        record("/api/profiles", "GET", "4XX", "429", throttled.json());

        // The exact branch of the overlapping oneOf's, per channel.
        for (FlowMessage m : d.flowMessages().subList(0, 6)) {
            JsonNode def = client.get("/api/flow-messages/" + m.id()).json().at("/data/attributes/definition");
            component(m.channel().equals("email") ? "FlowEmail" : "FlowSms", def, m.id());
        }
        for (Campaign c : d.campaigns().stream().filter(x -> x.status().equals("Sent")).limit(80).toList()) {
            JsonNode at = client.get("/api/campaigns/" + c.id()).json().at("/data/attributes");
            boolean isEmail = c.channel().equals("email");
            component(isEmail ? "EmailSendOptions" : "SMSSendOptions", at.get("send_options"), c.id());
            component(isEmail ? "CampaignsEmailTrackingOptions" : "CampaignsSMSTrackingOptions", at.get("tracking_options"), c.id());
            component("StaticSendStrategy", at.get("send_strategy"), c.id());
            JsonNode def = client.get("/api/campaign-messages/" + c.messageIds().get(0)).json().at("/data/attributes/definition");
            component(isEmail ? "EmailMessageDefinition" : "SMSMessageDefinition", def, c.id());
        }

        for (FaultKind k : List.of(FaultKind.ERROR_500, FaultKind.UNAVAILABLE_503)) {
            server.injectFaults(k, 1);
            SandboxClient.Answer a = client.get("/api/events");
            assertThat(a.status()).isEqualTo(Integer.parseInt(k.wire()));
            record("/api/events", "GET", "5XX", k.wire(), a.json());
        }
        // Every operation's 429 and 4XX answers.
        // The id each path template is exercised with (by its collection).
        Map<String, String> ids = new java.util.HashMap<>(Map.of("profiles", pid, "metrics", d.metrics().get(0).id(), "flows", flowId,
                "flow-actions", email.id(), "flow-messages", d.flowMessages().get(0).id(), "campaigns", d.campaigns().get(0).id(),
                "campaign-messages", d.campaignMessages().get(0).id(), "lists", listId, "segments", segmentId, "templates", d.templates().get(0).id()));
        ids.put("tags", d.tags().get(0).id());
        ids.put("events", eventId);
        for (var e : new dev.ksync.sandbox.query.Endpoints().all()) {
            String url = e.path().replace("{id}", ids.getOrDefault(e.path().split("/")[2], "none"));
            server.injectFaults(FaultKind.THROTTLE_429, 1);
            SandboxClient.Answer t = e.method().equals("GET") ? client.get(url) : client.post(url, "{}");
            assertThat(t.status()).as(url).isEqualTo(429);
            record(e.path(), e.method(), "4XX", "429 " + url, t.json());
            SandboxClient.Answer bad = e.method().equals("GET") ? client.get(url + "?include=nonsense") : client.post(url, "{\"data\":{\"type\":\"nonsense\"}}");
            assertThat(bad.status()).as(url + " -> " + bad.raw().body()).isEqualTo(400);
            record(e.path(), e.method(), "4XX", "400 " + url, bad.json());
        }

        assertThat(failures).as("schema violations in " + validated + " answers").isEmpty();
        assertThat(validated).isGreaterThan(40);
    }
}

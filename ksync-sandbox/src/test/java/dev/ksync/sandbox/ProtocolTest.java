package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Headers, errors, filters, sparse fieldsets and includes behave like Klaviyo's. */
class ProtocolTest extends SmallSandboxTest {

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private String error(SandboxClient.Answer a, int status) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(status);
        JsonNode e = a.json().at("/errors/0");
        assertThat(e.get("id").asText()).isNotBlank();
        assertThat(e.get("status").asInt()).isEqualTo(status);
        return e.get("code").asText() + ": " + e.get("detail").asText();
    }

    @Test
    void a_missing_key_is_401_and_a_missing_revision_is_400() {
        SandboxClient.Answer noKey = client.raw(HttpRequest.newBuilder(client.uri("/api/accounts")).header("revision", "2026-07-15"));
        assertThat(error(noKey, 401)).startsWith("not_authenticated");
        SandboxClient.Answer bearer = client.raw(HttpRequest.newBuilder(client.uri("/api/accounts")).header("revision", "2026-07-15")
                .header("Authorization", "Bearer pk_sandbox"));
        assertThat(error(bearer, 401)).startsWith("authentication_failed");
        SandboxClient.Answer noRevision = client.raw(HttpRequest.newBuilder(client.uri("/api/accounts")).header("Authorization", "Klaviyo-API-Key pk_sandbox"));
        assertThat(error(noRevision, 400)).contains("revision");
        SandboxClient.Answer badRevision = client.raw(HttpRequest.newBuilder(client.uri("/api/accounts")).header("Authorization", "Klaviyo-API-Key pk_sandbox")
                .header("revision", "latest"));
        assertThat(error(badRevision, 400)).contains("YYYY-MM-DD");
    }

    @Test
    void filters_outside_the_spec_are_400_naming_what_is_allowed() {
        assertThat(error(client.get("/api/profiles?filter=" + q("equals(first_name,\"Sarah\")")), 400)).contains("'first_name' is not a valid filter field").contains("email");
        assertThat(error(client.get("/api/profiles?filter=" + q("greater-or-equal(created,2024-01-01T00:00:00Z)")), 400)).contains("Allowed operators: greater-than, less-than");
        assertThat(error(client.get("/api/profiles?filter=" + q("equals(email,sarah)")), 400)).contains("quote strings");
        assertThat(error(client.get("/api/events?filter=" + q("greater-than(datetime,\"2024-01-01\")")), 400)).contains("ISO-8601");
        assertThat(error(client.get("/api/campaigns?filter=" + q("equals(messages.channel,'fax')")), 400)).contains("email, sms, mobile_push");
        assertThat(error(client.get("/api/campaigns?filter=" + q("equals(status,'Sent')")), 400)).contains("messages.channel");
        assertThat(error(client.get("/api/flows?filter=" + q("or(equals(status,'live'),equals(status,'draft'))")), 400)).contains("'or'");
        assertThat(error(client.get("/api/flows?sort=-trigger"), 400)).contains("-trigger_type");
        assertThat(error(client.get("/api/lists?page[size]=11"), 400)).contains("between 1 and 10");
        assertThat(error(client.get("/api/metrics?filter=" + q("equals(name,'x')")), 400)).contains("integration.name");
        assertThat(error(client.get("/api/profiles/nope"), 404)).startsWith("not_found");
        assertThat(error(client.get("/api/profiles?fields[profile]=email,shoe_size"), 400)).contains("'shoe_size' is not a valid field for 'profile'");
        assertThat(error(client.get("/api/flows?fields[campaign]=name"), 400)).contains("fields[flow]");
        assertThat(error(client.get("/api/nothing-here"), 404)).startsWith("not_found");
    }

    @Test
    void a_filter_datetime_finer_than_microseconds_is_400_on_the_filter() {
        SandboxClient.Answer nanos = client.get("/api/events?filter=" + q("less-than(datetime,2026-12-02T03:51:47.650332214Z)"));
        assertThat(error(nanos, 400)).startsWith("invalid: ").contains("more than 6 fractional-second digits");
        assertThat(nanos.json().at("/errors/0/source/parameter").asText()).isEqualTo("filter");
        assertThat(client.get("/api/events?filter=" + q("less-than(datetime,2026-12-02T03:51:47.650332Z)")).status()).isEqualTo(200);
    }

    @Test
    void filters_select_what_they_say() {
        var d = server.data();
        var p = d.profile(11);
        JsonNode byEmail = client.get("/api/profiles?filter=" + q("equals(email,\"" + p.email() + "\")")).json();
        assertThat(byEmail.at("/data/0/id").asText()).isEqualTo(p.id());
        assertThat(byEmail.get("data")).hasSize(1);
        JsonNode anyIds = client.get("/api/profiles?filter=" + q("any(id,[\"" + d.profile(3).id() + "\",'" + d.profile(5).id() + "'])")).json();
        assertThat(anyIds.get("data")).hasSize(2);
        Instant since = d.profile(200).updated();
        JsonNode updated = client.get("/api/profiles?page[size]=100&sort=updated&filter=" + q("greater-than(updated," + since + ")")).json();
        for (JsonNode n : updated.get("data")) assertThat(Instant.parse(n.at("/attributes/updated").asText().replace("+00:00", "Z"))).isAfter(since);
        JsonNode bounced = client.get("/api/profiles?additional-fields[profile]=subscriptions&filter="
                + q("equals(subscriptions.email.marketing.suppression.reason,\"HARD_BOUNCE\")")).json();
        assertThat(bounced.get("data")).isNotEmpty();
        for (JsonNode n : bounced.get("data")) {
            assertThat(n.at("/attributes/subscriptions/email/marketing/suppression/0/reason").asText()).isEqualTo("HARD_BOUNCE");
            assertThat(n.at("/attributes/subscriptions/email/marketing/can_receive_email_marketing").asBoolean()).isFalse();
        }
        JsonNode live = client.get("/api/flows?filter=" + q("equals(status,'live'),equals(archived,false)")).json();
        assertThat(live.get("data")).allSatisfy(f -> assertThat(f.at("/attributes/status").asText()).isEqualTo("live"));
        JsonNode sms = client.get("/api/campaigns?filter=" + q("and(equals(messages.channel,\"sms\"),any(status,[\"Sent\",\"Scheduled\"]))")).json();
        assertThat(sms.get("data")).isNotEmpty().allSatisfy(c -> assertThat(c.at("/attributes/name").asText()).startsWith("SMS"));
        JsonNode shopify = client.get("/api/metrics?filter=" + q("equals(integration.name,\"Shopify\")")).json();
        assertThat(shopify.get("data")).extracting(n -> n.at("/attributes/name").asText()).contains("Placed Order", "Ordered Product");
        String opened = d.metricNamed("Opened Email").id();
        String profileId = d.profile(0).id();
        JsonNode events = client.get("/api/events?page[size]=1000&filter=" + q("equals(metric_id,\"" + opened + "\"),greater-or-equal(timestamp,0)")).json();
        assertThat(events.get("data")).allSatisfy(e -> assertThat(e.at("/relationships/metric/data/id").asText()).isEqualTo(opened));
        JsonNode mine = client.get("/api/events?filter=" + q("equals(profile_id,\"" + profileId + "\")")).json();
        assertThat(mine.get("data")).allSatisfy(e -> assertThat(e.at("/relationships/profile/data/id").asText()).isEqualTo(profileId));
    }

    @Test
    void time_filters_on_profiles_agree_with_the_rendered_times() {
        var d = server.data();
        Instant t = d.profile(150).created();
        for (String op : List.of("greater-than", "greater-or-equal", "less-than")) {
            java.util.Set<String> expected = new java.util.HashSet<>();
            for (int i = 0; i < d.profileCount(); i++) {
                Instant c = d.profile(i).created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                boolean in = switch (op) { case "greater-than" -> c.isAfter(t); case "greater-or-equal" -> !c.isBefore(t); default -> c.isBefore(t); };
                if (in) expected.add(d.profile(i).id());
            }
            java.util.Set<String> got = new java.util.HashSet<>();
            String next = "/api/profiles?page[size]=100&filter=" + q(op + "(created," + t + ")");
            if (op.equals("greater-or-equal")) next = "/api/profiles?page[size]=100&filter=" + q("greater-than(created," + t.minusSeconds(1) + ")");
            while (next != null) {
                JsonNode page = client.get(next).json();
                page.get("data").forEach(n -> got.add(n.get("id").asText()));
                next = page.at("/links/next").isNull() ? null : page.at("/links/next").asText();
            }
            assertThat(got).as(op).isEqualTo(expected);
        }
    }

    @Test
    void sparse_fieldsets_and_includes_shape_the_document() {
        JsonNode doc = client.get("/api/events?page[size]=3&include=metric,profile&fields[event]=datetime,event_properties&fields[metric]=name&fields[profile]=email,location.city").json();
        JsonNode ev = doc.at("/data/0/attributes");
        assertThat(ev.has("datetime")).isTrue();
        assertThat(ev.has("uuid")).isFalse();
        for (JsonNode inc : doc.get("included")) {
            if (inc.get("type").asText().equals("metric")) assertThat(inc.get("attributes").size()).isEqualTo(1);
            else {
                assertThat(inc.at("/attributes").has("first_name")).isFalse();
                assertThat(inc.at("/attributes/location").size()).isLessThanOrEqualTo(1);
            }
        }
        JsonNode flows = client.get("/api/flows?page[size]=2&include=flow-actions").json();
        int actions = 0;
        for (JsonNode f : flows.get("data")) actions += f.at("/relationships/flow-actions/data").size();
        assertThat(flows.get("included")).hasSize(actions);
        assertThat(client.get("/api/flows").json().has("included")).isFalse();
    }

    @Test
    void admin_route_switches_faults_on_for_the_next_requests() {
        SandboxClient.Answer set = client.raw(HttpRequest.newBuilder(client.uri("/__sandbox/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"503\",\"count\":2}")));
        assertThat(set.status()).isEqualTo(200);
        assertThat(client.get("/api/accounts").status()).isEqualTo(503);
        assertThat(client.get("/api/metrics").status()).isEqualTo(503);
        assertThat(client.get("/api/metrics").status()).isEqualTo(200);
        server.injectFaults(FaultKind.BAD_GATEWAY_502, 1);
        assertThat(client.get("/api/metrics").status()).isEqualTo(502);
        server.injectFaults(FaultKind.ERROR_500, 1);
        assertThat(error(client.get("/api/metrics"), 500)).startsWith("error");
        SandboxClient.Answer bad = client.raw(HttpRequest.newBuilder(client.uri("/__sandbox/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"boom\",\"count\":2}")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.raw().body()).contains("429, 500, 502, 503, slow, cut");

        // faults queued and not met yet are cleared in one call
        client.raw(HttpRequest.newBuilder(client.uri("/__sandbox/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"503\",\"count\":50}")));
        SandboxClient.Answer cleared = client.raw(HttpRequest.newBuilder(client.uri("/__sandbox/faults")).DELETE());
        assertThat(cleared.status()).isEqualTo(204);
        assertThat(client.get("/api/metrics").status()).isEqualTo(200);
    }

    @Test
    void a_cut_fault_closes_the_connection_mid_body() {
        server.injectFaults(FaultKind.CUT, 1);
        boolean failed;
        try {
            SandboxClient.Answer a = client.get("/api/profiles?page[size]=50");
            failed = a.json() == null;
        } catch (RuntimeException e) {
            failed = true;
        }
        assertThat(failed).as("the client could not read a whole body").isTrue();
        assertThat(client.get("/api/profiles?page[size]=5").status()).isEqualTo(200);
    }
}

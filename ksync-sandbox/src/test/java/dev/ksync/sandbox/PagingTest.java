package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Paging every list endpoint to the end returns each record exactly once, in the requested order. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingTest {
    private SandboxServer server;
    private SandboxClient client;

    @BeforeAll
    void start() {
        server = TestSandboxes.start(SandboxOptions.defaults().withProfiles(60).withHistoryDays(12).withRateLimits(RateLimitMode.OFF));
        client = new SandboxClient(server);
    }

    @AfterAll
    void stop() { server.close(); }

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** Follows links.next to the end; returns every data item. */
    private List<JsonNode> pageAll(String url) {
        List<JsonNode> items = new ArrayList<>();
        String next = url;
        int guard = 0;
        while (next != null) {
            SandboxClient.Answer a = client.get(next);
            assertThat(a.status()).as(next + " -> " + a.raw().body()).isEqualTo(200);
            a.json().get("data").forEach(items::add);
            JsonNode n = a.json().at("/links/next");
            next = n.isNull() || n.isMissingNode() ? null : n.asText();
            assertThat(++guard).as("too many pages for " + url).isLessThan(5000);
        }
        return items;
    }

    record Case(String name, String url, long expected, Comparator<JsonNode> order) {
        @Override public String toString() { return name; }
    }

    private static Comparator<JsonNode> by(String pointer) {
        // nulls (e.g. SMS-only profiles without an email) sort first
        return Comparator.comparing((JsonNode n) -> n.at(pointer).isNull() ? "" : n.at(pointer).asText());
    }

    private static Comparator<JsonNode> byLong(String pointer) {
        return Comparator.comparingLong((JsonNode n) -> n.at(pointer).asLong());
    }

    Stream<Case> cases() {
        var d = server.data();
        long events = d.eventsBetween(d.historyStart(), d.historyEnd()).size();
        String placed = d.metricNamed("Placed Order").id();
        long placedCount = d.eventsBetween(d.historyStart(), d.historyEnd()).stream().filter(e -> e.metric().id().equals(placed)).count();
        var flow = d.flows().get(1);
        var action = d.flowActions().stream().filter(a -> a.flowId().equals(flow.id()) && a.type().startsWith("send")).findFirst().orElseThrow();
        long emailCampaigns = d.campaigns().stream().filter(c -> c.channel().equals("email") && !c.archived()).count();
        long smsCampaigns = d.campaigns().stream().filter(c -> c.channel().equals("sms") && !c.archived()).count();
        long archivedEmail = d.campaigns().stream().filter(c -> c.channel().equals("email") && c.archived()).count();
        long liveFlows = d.flows().stream().filter(f -> !f.archived()).count();
        List<Case> out = new ArrayList<>();
        for (int size : new int[]{1, 100}) {
            out.add(new Case("profiles by id, size " + size, "/api/profiles?page[size]=" + size, d.profileCount(), by("/id")));
            out.add(new Case("profiles by -created, size " + size, "/api/profiles?sort=-created&page[size]=" + size, d.profileCount(), by("/attributes/created").reversed()));
            out.add(new Case("profiles by updated, size " + size, "/api/profiles?sort=updated&page[size]=" + size, d.profileCount(), by("/attributes/updated")));
        }
        out.add(new Case("profiles by email, size 7", "/api/profiles?sort=email&page[size]=7", d.profileCount(), by("/attributes/email")));
        for (int size : new int[]{1, 1000}) {
            out.add(new Case("events by datetime, size " + size, "/api/events?sort=datetime&page[size]=" + size, events, byLong("/attributes/timestamp")));
            out.add(new Case("events by -datetime, size " + size, "/api/events?sort=-datetime&page[size]=" + size, events, byLong("/attributes/timestamp").reversed()));
        }
        out.add(new Case("placed orders, size 2", "/api/events?page[size]=2&filter=" + q("equals(metric_id,\"" + placed + "\")"), placedCount, byLong("/attributes/timestamp")));
        for (int size : new int[]{1, 50}) {
            out.add(new Case("flows, size " + size, "/api/flows?page[size]=" + size, liveFlows, (a, b) -> 0));
            out.add(new Case("archived flows, size " + size, "/api/flows?page[size]=" + size + "&filter=" + q("equals(archived,true)"), d.flows().size() - liveFlows, (a, b) -> 0));
            out.add(new Case("flows by -name, size " + size, "/api/flows?sort=-name&page[size]=" + size, liveFlows, by("/attributes/name").reversed()));
            out.add(new Case("flow actions, size " + size, "/api/flows/" + flow.id() + "/flow-actions?sort=created&page[size]=" + size,
                    flow.actionIds().size(), by("/attributes/created")));
            out.add(new Case("tags, size " + size, "/api/tags?sort=name&page[size]=" + size, d.tags().size(), by("/attributes/name")));
        }
        out.add(new Case("flow messages, size 1", "/api/flow-actions/" + action.id() + "/flow-messages?page[size]=1", action.messageIds().size(), (a, b) -> 0));
        for (int size : new int[]{1, 100}) {
            out.add(new Case("email campaigns, size " + size, "/api/campaigns?sort=-created_at&page[size]=" + size + "&filter=" + q("equals(messages.channel,'email')"),
                    emailCampaigns, by("/attributes/created_at").reversed()));
            out.add(new Case("archived email campaigns, size " + size, "/api/campaigns?page[size]=" + size + "&filter="
                    + q("equals(messages.channel,'email'),equals(archived,true)"), archivedEmail, (a, b) -> 0));
            out.add(new Case("sms campaigns, size " + size, "/api/campaigns?sort=name&page[size]=" + size + "&filter=" + q("equals(messages.channel,'sms')"),
                    smsCampaigns, by("/attributes/name")));
        }
        for (int size : new int[]{1, 10}) {
            out.add(new Case("lists, size " + size, "/api/lists?sort=name&page[size]=" + size, d.lists().size(), by("/attributes/name")));
            out.add(new Case("segments, size " + size, "/api/segments?sort=-updated&page[size]=" + size, d.segments().size(), by("/attributes/updated").reversed()));
            out.add(new Case("templates, size " + size, "/api/templates?sort=id&page[size]=" + size, d.templates().size(), by("/id")));
        }
        out.add(new Case("metrics", "/api/metrics", d.metrics().size(), (a, b) -> 0));
        String list = d.lists().get(0).id(), segment = d.segments().get(1).id();
        long listMembers = java.util.stream.IntStream.range(0, d.profileCount()).filter(i -> d.profiles().inAudience(i, list)).count();
        long segmentMembers = java.util.stream.IntStream.range(0, d.profileCount()).filter(i -> d.profiles().inAudience(i, segment)).count();
        for (int size : new int[]{1, 100}) {
            out.add(new Case("list members, size " + size, "/api/lists/" + list + "/profiles?page[size]=" + size, listMembers, by("/attributes/joined_group_at")));
            out.add(new Case("segment members by -joined, size " + size, "/api/segments/" + segment + "/profiles?sort=-joined_group_at&page[size]=" + size,
                    segmentMembers, by("/attributes/joined_group_at").reversed()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void paging_to_the_end_returns_each_record_once_in_order(Case c) {
        List<JsonNode> items = pageAll(c.url());
        Set<String> ids = new HashSet<>();
        for (JsonNode n : items) assertThat(ids.add(n.get("type").asText() + ":" + n.get("id").asText())).as("duplicate " + n.get("id")).isTrue();
        assertThat(items).hasSize((int) c.expected());
        for (int i = 1; i < items.size(); i++) {
            assertThat(c.order().compare(items.get(i - 1), items.get(i))).as("order at " + i + " of " + c.url()).isLessThanOrEqualTo(0);
        }
    }

    @Test
    void profile_count_is_the_number_of_members() {
        var d = server.data();
        String list = d.lists().get(0).id();
        long members = java.util.stream.IntStream.range(0, d.profileCount()).filter(i -> d.profiles().inAudience(i, list)).count();
        JsonNode l = client.get("/api/lists/" + list + "?additional-fields[list]=profile_count").json();
        assertThat(l.at("/data/attributes/profile_count").asLong()).isEqualTo(members).isPositive();
        assertThat(client.get("/api/lists/" + list).json().at("/data/attributes").has("profile_count")).isFalse();
    }

    @Test
    void the_whole_next_url_is_understood_as_page_cursor() {
        JsonNode first = client.get("/api/profiles?page[size]=5").json();
        String next = first.at("/links/next").asText();
        JsonNode viaLink = client.get(next).json();
        JsonNode viaUrlCursor = client.get("/api/profiles?page[size]=5&page[cursor]=" + q(next)).json();
        assertThat(viaUrlCursor.get("data")).isEqualTo(viaLink.get("data"));
        assertThat(next).startsWith(server.baseUrl() + "/api/profiles?").contains("page%5Bcursor%5D=");
    }

    @Test
    void cursors_are_url_safe_and_a_garbled_one_is_a_400() {
        String next = client.get("/api/events?page[size]=3").json().at("/links/next").asText();
        String cursor = next.substring(next.indexOf("page%5Bcursor%5D=") + "page%5Bcursor%5D=".length());
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        SandboxClient.Answer bad = client.get("/api/events?page[cursor]=not*a*cursor");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/errors/0/source/parameter").asText()).isEqualTo("page[cursor]");
    }

    @Test
    void the_same_seed_gives_byte_identical_answers_and_another_seed_does_not() {
        SandboxOptions o = SandboxOptions.defaults().withProfiles(60).withHistoryDays(12).withRateLimits(RateLimitMode.OFF);
        List<String> urls = List.of("/api/profiles?page[size]=20&additional-fields[profile]=subscriptions,predictive_analytics",
                "/api/events?page[size]=200&include=metric,profile", "/api/flows", "/api/lists",
                "/api/campaigns?filter=" + q("equals(messages.channel,'email')"));
        try (SandboxServer a = TestSandboxes.start(o); SandboxServer b = TestSandboxes.start(o); SandboxServer c = TestSandboxes.start(o.withSeed(7))) {
            Function<SandboxServer, List<String>> bodies = s -> {
                SandboxClient sc = new SandboxClient(s);
                return urls.stream().map(u -> sc.get(u).raw().body().replace(s.baseUrl(), "BASE")).toList();
            };
            assertThat(bodies.apply(a)).isEqualTo(bodies.apply(b));
            assertThat(bodies.apply(c)).isNotEqualTo(bodies.apply(a));
        }
    }
}

package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ksync.sandbox.data.Metric;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.Endpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streamed event pages the server sends are byte for byte the tree path's document, serialized. */
class EventPageRenderingTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
    private static SandboxData data;
    private static Api api;
    private static final ObjectMapper MAPPER = Json.newMapper();

    @BeforeAll
    static void generate() {
        data = SandboxData.generate(7, 3_000, 40, "USD", CLOCK);
        api = new Api(data, new Endpoints(), new Links(() -> "http://127.0.0.1:54321"), MAPPER, CLOCK);
    }

    @Test
    void streamed_event_pages_match_the_tree_path_byte_for_byte() throws Exception {
        Metric placed = data.metrics().get(10);
        Metric opened = data.metrics().get(1);
        String profile = data.profiles().id(17);
        String[] queries = {
                "",
                "page[size]=1000",
                "page[size]=1",
                "page[size]=37&sort=-datetime",
                "sort=timestamp&page[size]=500",
                "sort=-timestamp",
                "include=metric,profile&page[size]=300",
                "include=profile,metric&sort=-datetime",
                "include=attributions",
                "include=metric,profile,attributions&page[size]=50",
                "fields[event]=uuid,datetime",
                "fields[event]=id",
                "fields[event]=event_properties,timestamp,id&include=metric",
                "fields[event]=",
                "include=profile&fields[profile]=email,location.city,properties&fields[event]=datetime",
                "include=metric&fields[metric]=name,integration",
                "filter=equals(metric_id,\"" + placed.id() + "\")&page[size]=200&include=metric,profile",
                "filter=equals(metric_id,\"" + opened.id() + "\")&sort=-datetime&page[size]=1000",
                "filter=equals(profile_id,\"" + profile + "\")&include=profile",
                "filter=equals(metric_id,\"nope\")",
                "filter=greater-or-equal(datetime,2026-11-01T00:00:00Z),less-than(datetime,2026-11-03T12:30:00Z)&page[size]=1000",
                "filter=greater-than(timestamp,1793000000)&sort=-timestamp&page[size]=250",
                "filter=less-or-equal(datetime,2026-10-20T00:00:00Z)&sort=-datetime&page[size]=999&include=metric",
        };
        int pages = 0, events = 0, lastPages = 0;
        for (String query : queries) {
            Map<String, List<String>> params = parse(query);
            for (int n = 0; n < 6; n++) {
                ApiRequest r = new ApiRequest("/api/events", Map.of(), params, null);
                JsonNode tree = api.handle("get_events", r);
                byte[] expected = MAPPER.writeValueAsBytes(tree);
                assertArrayEquals(expected, api.answer("get_events", r), () -> "GET /api/events?" + r.query());
                pages++;
                events += tree.get("data").size();
                String next = tree.path("links").path("next").asText(null);
                if (next == null) {
                    lastPages++;
                    break;
                }
                params = new LinkedHashMap<>(params);
                params.put("page[cursor]", List.of(URLDecoder.decode(next.substring(next.indexOf("page%5Bcursor%5D=") + 17), StandardCharsets.UTF_8)));
            }
        }
        // the comparison covered real pages: full ones, followed cursors and last pages
        assertTrue(events > 20_000, "events compared: " + events);
        assertTrue(pages > 80 && lastPages >= 3, pages + " pages, " + lastPages + " last");
    }

    @Test
    void a_single_event_renders_as_on_its_page() throws Exception {
        Map<String, List<String>> params = parse("page[size]=3&include=metric,profile");
        JsonNode page = MAPPER.readTree(api.answer("get_events", new ApiRequest("/api/events", Map.of(), params, null)));
        JsonNode first = page.get("data").get(0);
        String id = first.get("id").asText();
        JsonNode one = MAPPER.readTree(api.answer("get_event", new ApiRequest("/api/events/" + id, Map.of("id", id), parse("include=metric,profile"), null)));
        assertEquals(first, one.get("data"));
    }

    private static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query.isEmpty()) return params;
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            params.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
        }
        return params;
    }
}

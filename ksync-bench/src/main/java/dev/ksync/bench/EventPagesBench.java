package dev.ksync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import dev.ksync.sandbox.api.Api;
import dev.ksync.sandbox.api.ApiRequest;
import dev.ksync.sandbox.api.Json;
import dev.ksync.sandbox.api.Links;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.Endpoints;
import java.lang.management.ManagementFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's cost of answering GET /api/events at 1,000 a page, in CPU per 1,000 events: the same pages rendered
 * by the tree path (the document as Jackson nodes, then serialized) and by the answer the server sends (events
 * streamed straight to JSON). Process CPU (GC and JIT included), after warm-up rounds; no HTTP in the loop.
 *
 * <p>Args: [profiles] [historyDays] [pages] [rounds] [extra queries, ';' between them, e.g.
 * {@code include=metric,profile;sort=-datetime}]. Each mode prints its bodies' SHA-256, so a run on two commits shows
 * whether any byte changed. {@code -DanswerOnly=true} leaves the tree path out (for a profile of the answer alone).
 */
public final class EventPagesBench {
    public static void main(String[] args) throws Exception {
        int profiles = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int pages = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        String[] extras = args.length > 4 ? args[4].split(";", -1) : new String[] {""};
        Clock clock = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
        SandboxData data = SandboxData.generate(42, profiles, days, "USD", clock);
        ObjectMapper mapper = Json.newMapper();
        Api api = new Api(data, new Endpoints(), new Links(() -> "http://127.0.0.1:54321"), mapper, clock);

        for (String extra : extras) run(api, mapper, profiles, days, pages, rounds, extra);
    }

    private static void run(Api api, ObjectMapper mapper, int profiles, int days, int pages, int rounds, String extra) throws Exception {
        List<ApiRequest> requests = new ArrayList<>();
        String cursor = null;
        long events = 0;
        while (requests.size() < pages) {
            Map<String, List<String>> q = new LinkedHashMap<>();
            q.put("page[size]", List.of("1000"));
            for (String kv : extra.split("&")) if (!kv.isEmpty()) q.put(kv.substring(0, kv.indexOf('=')), List.of(kv.substring(kv.indexOf('=') + 1)));
            if (cursor != null) q.put("page[cursor]", List.of(cursor));
            ApiRequest r = new ApiRequest("/api/events", Map.of(), q, null);
            requests.add(r);
            JsonNode doc = api.handle("get_events", r);
            events += doc.get("data").size();
            String next = doc.path("links").path("next").asText(null);
            if (next == null) break;
            cursor = URLDecoder.decode(next.substring(next.indexOf("page%5Bcursor%5D=") + 17), StandardCharsets.UTF_8);
        }
        System.out.printf("profiles=%d days=%d pages=%d events=%d query=%s%n", profiles, days, requests.size(), events, extra);

        Map<String, Mode> modes = new LinkedHashMap<>();
        if (!Boolean.getBoolean("answerOnly")) modes.put("tree", r -> mapper.writeValueAsBytes(api.handle("get_events", r)));
        modes.put("answer", r -> api.answer("get_events", r));
        for (int round = 0; round < rounds; round++) {
            for (var m : modes.entrySet()) {
                var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                var sha = MessageDigest.getInstance("SHA-256");
                long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime(), bytes = 0;
                for (ApiRequest r : requests) {
                    byte[] body = m.getValue().render(r);
                    bytes += body.length;
                    if (round == 0) sha.update(body);
                }
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6, wallMs = (System.nanoTime() - wall0) / 1e6;
                System.out.printf("round %d %-6s %.2f ms CPU per 1,000 events (wall %.2f ms), %,d bytes%s%n", round, m.getKey(),
                        cpuMs * 1000 / events, wallMs * 1000 / events, bytes,
                        round == 0 ? ", sha256 " + HexFormat.of().formatHex(sha.digest()).substring(0, 16) : "");
            }
        }
    }

    private interface Mode {
        byte[] render(ApiRequest r) throws Exception;
    }
}

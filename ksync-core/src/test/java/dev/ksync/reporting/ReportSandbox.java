package dev.ksync.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A sandbox at scaled rate limits (every window 60 times shorter, the client paced the same way) and a Klaviyo
 * access wired to it as ksync wires it; calls are counted on the sandbox's side through GET /__sandbox/stats.
 */
public final class ReportSandbox implements AutoCloseable {
    public static final int RATE_SCALE = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    public final SandboxServer sandbox;
    public final KlaviyoAccess klaviyo;
    public final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newHttpClient();

    public ReportSandbox(int profiles) {
        this(profiles, null);
    }

    /** @param timezone the account's timezone, or null for the one the sandbox's seed picks */
    public ReportSandbox(int profiles, String timezone) {
        this.sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(profiles).withTimezone(timezone)
                .withRateLimits(RateLimitMode.scaled(RATE_SCALE)), clock);
        AppConfig config = AppConfig.load(Map.of("KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_API_KEY", "pk_sandbox",
                "KLAVIYO_ENABLE", "true", "KLAVIYO_RATE_SCALE", String.valueOf(RATE_SCALE)));
        this.klaviyo = new KlaviyoAccess(config.klaviyo(), id -> Optional.<Secret>empty(), clock);
    }

    public KlaviyoClient client() {
        return klaviyo.client(Optional.empty(), Optional.empty());
    }

    /** Operation id → requests the sandbox served for the test key since the last reset (429s included). */
    public Map<String, Long> stats() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/__sandbox/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode ops = JSON.readTree(r.body()).path("keys").path("pk_sandbox");
            Map<String, Long> out = new TreeMap<>();
            ops.properties().forEach(e -> out.put(e.getKey(), e.getValue().path("requests").asLong()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public long throttled() {
        return sandbox.stats().getOrDefault("pk_sandbox", new TreeMap<>()).values().stream()
                .mapToLong(o -> o.throttled()).sum();
    }

    public void resetStats() {
        sandbox.resetStats();
    }

    public static long total(Map<String, Long> stats) {
        return stats.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rows written through a sink, as the CSV a reader would get back (header first). */
    public static final class Capture implements dev.ksync.sync.RowSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final dev.ksync.csv.CsvOut csv;

        public Capture(List<String> header) {
            csv = new dev.ksync.csv.CsvOut(bytes, header, 0);
        }

        @Override
        public void row(List<String> cells) {
            csv.row(cells);
        }

        @Override
        public dev.ksync.sync.RowSink part(int index) {
            throw new UnsupportedOperationException("report jobs write no parts");
        }

        private String text;

        public String text() {
            if (text == null) {
                csv.finish();
                text = bytes.toString(StandardCharsets.UTF_8);
            }
            return text;
        }

        /** Each data row as header → cell. */
        public List<Map<String, String>> rows() {
            List<Map<String, String>> out = new ArrayList<>();
            List<String> header = null;
            for (CsvRecord rec : CsvReader.builder().ofCsvRecord(text())) {
                if (header == null) { header = rec.getFields(); continue; }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) row.put(header.get(i), rec.getField(i));
                out.add(row);
            }
            return out;
        }
    }

    @Override
    public void close() {
        klaviyo.close();
        sandbox.close();
    }
}

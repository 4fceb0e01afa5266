package dev.ksync.audience;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.ksync.accounts.KlaviyoAccess;
import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.sandbox.RateLimitMode;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import dev.ksync.store.FileSystemObjectStore;
import dev.ksync.sync.SyncRunner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An audience sync wired to an in-process sandbox and a filesystem store, as ksync wires it. */
final class AudienceFixture implements AutoCloseable {
    final SandboxServer sandbox;
    final KlaviyoAccess klaviyo;
    final AudienceSync sync;
    final Path storeRoot;

    AudienceFixture(int profiles, Path storeRoot) {
        this.sandbox = SandboxServer.start(SandboxOptions.defaults().withProfiles(profiles)
                .withRateLimits(RateLimitMode.OFF));
        this.storeRoot = storeRoot;
        AppConfig config = AppConfig.load(Map.of("KLAVIYO_BASE_URL", sandbox.baseUrl(), "KLAVIYO_API_KEY", "pk_sandbox",
                "KLAVIYO_ENABLE", "true", "KLAVIYO_RATE_SCALE", "1000")); // the sandbox does not limit: neither do we
        this.klaviyo = new KlaviyoAccess(config.klaviyo(), id -> Optional.<Secret>empty(), Clock.systemUTC());
        this.sync = new AudienceSync(new SyncRunner(klaviyo, new FileSystemObjectStore(storeRoot), Clock.systemUTC()),
                config.storage().buckets());
    }

    record Csv(List<String> header, List<Map<String, String>> rows, AudienceResult result, String raw) {
        List<String> column(String name) {
            return rows.stream().map(r -> r.get(name)).toList();
        }
    }

    Csv export(String json) {
        AudienceRequest req = AudienceRequests.parse(json);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudienceResult result = sync.export(req, out);
        return parse(out.toString(StandardCharsets.UTF_8), result);
    }

    static Csv parse(String raw, AudienceResult result) {
        List<String> header = null;
        List<Map<String, String>> rows = new ArrayList<>();
        for (CsvRecord rec : CsvReader.builder().ofCsvRecord(raw)) {
            if (header == null) {
                header = rec.getFields();
                continue;
            }
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), rec.getField(i));
            }
            rows.add(row);
        }
        return new Csv(header, rows, result, raw);
    }

    @Override
    public void close() {
        klaviyo.close();
        sandbox.close();
    }

}

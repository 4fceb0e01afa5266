package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ksync.db.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class AudienceGateTest {
    @RegisterExtension
    static final TestPostgres pg = new TestPostgres();

    @TempDir
    Path dataDir;

    @Test
    void klaviyo_source_and_live_writes_answer_501_while_KLAVIYO_ENABLE_is_off() throws Exception {
        try (TestServer server = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s"))) {
            var r = server.post("/api/klaviyo/audience-sync", "s", "{\"source\":\"klaviyo\"}");
            assertThat(r.statusCode()).isEqualTo(501);
            assertThat(r.body()).contains("klaviyo_disabled").contains("KLAVIYO_ENABLE=true");
            var live = server.post("/api/klaviyo/audience-sync", "s",
                    "{\"mode\":\"live\",\"accountId\":\"a\",\"profiles\":[]}");
            assertThat(live.statusCode()).isEqualTo(501);
        }
    }
}

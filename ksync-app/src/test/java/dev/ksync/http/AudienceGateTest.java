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

    @Test
    void gated_work_is_refused_by_the_gates_before_the_rest_of_its_body_is_checked() throws Exception {
        // live without an accountId, an out-of-range page size: both 400s, but only for a caller who passed the gates
        String body = "{\"mode\":\"live\",\"profiles\":[],\"pageSize\":0}";
        try (TestServer off = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s"))) {
            assertThat(off.post("/api/klaviyo/audience-sync", null, body).statusCode()).isEqualTo(501);
        }
        try (TestServer on = new TestServer(pg.jdbcUrl(), dataDir, Map.of("ADMIN_JOB_SECRET", "s", "KLAVIYO_ENABLE", "true"))) {
            var noSecret = on.post("/api/klaviyo/audience-sync", null, body);
            assertThat(noSecret.statusCode()).isEqualTo(401);
            assertThat(noSecret.body()).doesNotContain("pageSize").doesNotContain("accountId");
            assertThat(on.post("/api/klaviyo/audience-sync", "wrong", body).statusCode()).isEqualTo(401);
            var admitted = on.post("/api/klaviyo/audience-sync", "s", body);
            assertThat(admitted.statusCode()).isEqualTo(400);
            // open work is still checked whole without the secret
            var open = on.post("/api/klaviyo/audience-sync", null, "{\"profiles\":[],\"pageSize\":0}");
            assertThat(open.statusCode()).isEqualTo(400);
            assertThat(open.body()).contains("pageSize");
        }
    }
}

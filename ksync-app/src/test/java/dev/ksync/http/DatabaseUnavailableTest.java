package dev.ksync.http;

import static dev.ksync.http.AnswerChecks.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Point 9, the HTTP half: whatever the data layer throws when PostgreSQL does not answer (Hikari's timeout, the
 * driver's connection failure, wrapped by Jdbi) is a 503 {@code database_unavailable}, never a 500.
 */
class DatabaseUnavailableTest {
    @Test
    void database_unavailable_answers_503() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens here once closed
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/ksync");
        config.setUsername("ksync");
        config.setPassword("db-password-never-shown");
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Jdbi jdbi = Jdbi.create(pool);
            Javalin app = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                ErrorMapper.register(c.routes, java.time.Clock.systemUTC());
                c.routes.get("/jdbi", ctx -> {
                    String one = jdbi.withHandle(h -> h.select("select 1").mapTo(String.class).one());
                    ctx.result(one);
                });
                c.routes.get("/pool", ctx -> pool.getConnection().close());
            }).start(0);
            try (LogCapture logs = new LogCapture()) {
                HttpClient http = HttpClient.newHttpClient();
                for (String path : new String[] {"/jdbi", "/pool"}) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + app.port() + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path).isEqualTo(503);
                    assertJsonError(503, r.headers().firstValue("content-type").orElse(""), r.body(),
                            "database_unavailable");
                    assertThat(r.body()).doesNotContain("db-password").doesNotContainPattern(AnswerChecks.JAVA_NAMES);
                }
                assertThat(logs.lines()).anyMatch(l -> l.contains("Database unavailable"))
                        .noneMatch(l -> l.contains("db-password-never-shown"));
            } finally {
                app.stop();
            }
        }
    }
}

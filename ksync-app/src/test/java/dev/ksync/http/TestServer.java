package dev.ksync.http;

import dev.ksync.app.Ksync;
import dev.ksync.config.AppConfig;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** ksync's real HTTP API on an ephemeral port, over the test class's PostgreSQL database. */
final class TestServer implements AutoCloseable {
    static final String SECRET_KEY = "test-secret-key-0123456789";

    final Ksync ksync;
    final Javalin app;
    final HttpClient http = HttpClient.newHttpClient();

    TestServer(String jdbcUrl, Path dataDir, Map<String, String> extraEnv) {
        this(jdbcUrl, dataDir, extraEnv, HttpApi.Limits.DEFAULT);
    }

    TestServer(String jdbcUrl, Path dataDir, Map<String, String> extraEnv, HttpApi.Limits limits) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", jdbcUrl);
        env.put("KSYNC_SECRET_KEY", SECRET_KEY);
        env.put("KSYNC_DATA_DIR", dataDir.toString());
        env.put("PORT", "0");
        env.putAll(extraEnv);
        ksync = Ksync.start(AppConfig.load(env));
        app = new HttpApi(ksync, limits).create().start(0);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + app.port() + pathAndQuery);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // HTTP/1.1's keep-alive race: the server's idle timeout (2 s in HardeningTest) closed the pooled connection
            // as this request went out, so the server never read it; a client settles that by sending it again
            if (!String.valueOf(e.getMessage()).contains("header parser received no bytes")) {
                throw e;
            }
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        }
    }

    HttpResponse<String> get(String path, String secret) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (secret != null) {
            b.header("x-admin-job-secret", secret);
        }
        return send(b);
    }

    HttpResponse<String> post(String path, String secret, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (secret != null) {
            b.header("x-admin-job-secret", secret);
        }
        return send(b);
    }

    HttpResponse<String> delete(String path, String secret) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).DELETE();
        if (secret != null) {
            b.header("x-admin-job-secret", secret);
        }
        return send(b);
    }

    /** Sends raw bytes on a fresh connection and reads the whole answer (the request should say Connection: close). */
    RawHttp.Answer raw(byte[] request) throws IOException {
        return RawHttp.exchange(app.port(), request);
    }

    @Override
    public void close() {
        app.stop();
        ksync.close();
    }
}

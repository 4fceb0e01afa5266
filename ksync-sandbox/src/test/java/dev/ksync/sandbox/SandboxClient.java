package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny Klaviyo client for tests: sends the auth and revision headers and parses JSON. */
final class SandboxClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    SandboxClient(SandboxServer server) {
        this(server.baseUrl(), server.options().apiKey());
    }

    SandboxClient(String base, String key) {
        this.base = base;
        this.key = key;
    }

    record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) { return raw.headers().firstValue(name).orElse(null); }
    }

    Answer get(String pathOrUrl) {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).GET());
    }

    Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/vnd.api+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer raw(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() || !r.body().startsWith("{") ? null : MAPPER.readTree(r.body());
            return new Answer(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer send(HttpRequest.Builder b) {
        return raw(b.header("Authorization", "Klaviyo-API-Key " + key).header("revision", "2026-07-15")
                .header("Accept", "application/vnd.api+json"));
    }

    URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    }
}

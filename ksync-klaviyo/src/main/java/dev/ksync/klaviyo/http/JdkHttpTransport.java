package dev.ksync.klaviyo.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link HttpTransport} on {@code java.net.http.HttpClient} (HTTP/1.1, connection reuse). */
public final class JdkHttpTransport implements HttpTransport, AutoCloseable {
    private final HttpClient client;

    public JdkHttpTransport(Duration connectTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public HttpAnswer send(HttpCall call) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(call.timeout());
        call.headers().forEach(b::header);
        b.method(call.method(), call.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        // ofByteArray fails with an IOException when the connection closes before Content-Length bytes
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new HttpAnswer(r.statusCode(), r.headers().map(), r.body());
    }

    @Override
    public void close() {
        client.close();
    }
}

package dev.ksync.klaviyo.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** One HTTP request. {@link #toString()} leaves out headers: the Authorization header is a secret. */
public record HttpCall(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
    public HttpCall {
        Objects.requireNonNull(method, "method is null");
        Objects.requireNonNull(uri, "uri is null");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(timeout, "timeout is null");
    }

    @Override public String toString() { return method + " " + uri; }
}

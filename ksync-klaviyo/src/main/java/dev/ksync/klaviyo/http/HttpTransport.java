package dev.ksync.klaviyo.http;

import java.io.IOException;

/** Sends one request. The seam where tests put a scripted transport; production uses {@link JdkHttpTransport}. */
@FunctionalInterface
public interface HttpTransport {
    /** @throws IOException for timeouts, refused connections and bodies cut off mid-way */
    HttpAnswer send(HttpCall call) throws IOException, InterruptedException;
}

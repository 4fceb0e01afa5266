package dev.ksync.klaviyo;

import dev.ksync.klaviyo.http.HttpTransport;
import dev.ksync.klaviyo.http.JdkHttpTransport;
import java.time.Duration;

/**
 * One pool of HTTP connections to Klaviyo shared by many clients ({@link KlaviyoClient.Builder#connections}), so a
 * process with a client per job still keeps one pool. Close it when the last client is done.
 */
public final class Connections implements AutoCloseable {
    private final JdkHttpTransport transport;

    private Connections(Duration connectTimeout) {
        this.transport = new JdkHttpTransport(connectTimeout);
    }

    public static Connections open(Duration connectTimeout) {
        return new Connections(connectTimeout);
    }

    HttpTransport transport() {
        return transport;
    }

    @Override
    public void close() {
        transport.close();
    }
}

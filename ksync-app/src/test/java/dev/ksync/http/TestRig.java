package dev.ksync.http;

import dev.ksync.db.TestPostgres;
import dev.ksync.sandbox.SandboxOptions;
import dev.ksync.sandbox.SandboxServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an API or CLI test class runs against, started once for the class: an embedded PostgreSQL, a data
 * directory, optionally the Klaviyo sandbox (with {@code KLAVIYO_ENABLE}, its base URL and key in the environment),
 * and for API tests ksync's HTTP API over them. Use as
 * {@code @RegisterExtension static final TestRig rig = TestRig.api().secret(S).sandbox(options);}.
 */
public final class TestRig implements BeforeAllCallback, AfterAllCallback {
    /** The Klaviyo key the sandbox accepts. */
    public static final String SANDBOX_KEY = "pk_sandbox";

    private final TestPostgres pg = new TestPostgres();
    private final boolean serve;
    private final Map<String, String> extraEnv = new HashMap<>();
    private HttpApi.Limits limits = HttpApi.Limits.DEFAULT;
    private SandboxOptions sandboxOptions;
    private Clock sandboxClock;

    private Path dataDir;
    private SandboxServer sandbox;
    private TestServer server;

    private TestRig(boolean serve) {
        this.serve = serve;
    }

    /** ksync's HTTP API on an ephemeral port. */
    public static TestRig api() {
        return new TestRig(true);
    }

    /** No server: the environment a CLI command is given ({@link #env()}). */
    public static TestRig cli() {
        return new TestRig(false);
    }

    /** {@code ADMIN_JOB_SECRET}. */
    public TestRig secret(String secret) {
        return env("ADMIN_JOB_SECRET", secret);
    }

    public TestRig env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    public TestRig limits(HttpApi.Limits limits) {
        this.limits = limits;
        return this;
    }

    /** The sandbox on an ephemeral port, and ksync pointed at it with Klaviyo enabled. */
    public TestRig sandbox(SandboxOptions options) {
        return sandbox(options, Clock.systemUTC());
    }

    /** The sandbox with its data's "today" and rate-limit windows on {@code clock}. */
    public TestRig sandbox(SandboxOptions options, Clock clock) {
        this.sandboxOptions = options;
        this.sandboxClock = clock;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        pg.beforeAll(context);
        dataDir = Files.createTempDirectory("ksync-test-data-");
        if (sandboxOptions != null) {
            sandbox = SandboxServer.start(sandboxOptions, sandboxClock);
        }
        if (serve) {
            server = new TestServer(pg.jdbcUrl(), dataDir, env(), limits);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                server.close();
            }
            if (sandbox != null) {
                sandbox.close();
            }
        } finally {
            pg.afterAll(context);
            deleteTree(dataDir);
        }
    }

    /** The environment ksync is started with: the database, secret key and data directory, the sandbox's, the extras. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.jdbcUrl());
        env.put("KSYNC_SECRET_KEY", TestServer.SECRET_KEY);
        env.put("KSYNC_DATA_DIR", dataDir.toString());
        if (sandbox != null) {
            env.put("KLAVIYO_ENABLE", "true");
            env.put("KLAVIYO_BASE_URL", sandbox.baseUrl());
            env.put("KLAVIYO_API_KEY", SANDBOX_KEY);
        }
        env.putAll(extraEnv);
        return env;
    }

    /** An address on the running API, for clients outside this package (a browser). */
    public java.net.URI uri(String pathAndQuery) {
        return server().uri(pathAndQuery);
    }

    TestServer server() {
        return server;
    }

    /** The running server's services, for tests outside this package (a browser test seeding its data). */
    public dev.ksync.app.Ksync ksync() {
        return server.ksync;
    }

    public SandboxServer sandbox() {
        return sandbox;
    }

    public Path dataDir() {
        return dataDir;
    }

    public TestPostgres pg() {
        return pg;
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

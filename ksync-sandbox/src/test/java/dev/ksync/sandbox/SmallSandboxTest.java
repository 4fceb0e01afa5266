package dev.ksync.sandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class over one {@link TestSandboxes#small} sandbox, started once for all its tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SmallSandboxTest {
    protected SandboxServer server;
    protected SandboxClient client;

    @BeforeAll
    void startSandbox() {
        server = TestSandboxes.start(TestSandboxes.small());
        client = new SandboxClient(server);
    }

    @AfterAll
    void stopSandbox() {
        server.close();
    }
}

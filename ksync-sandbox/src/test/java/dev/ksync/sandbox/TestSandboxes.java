package dev.ksync.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Small, fast sandboxes for tests, all on a fixed clock so their data does not move. */
final class TestSandboxes {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestSandboxes() {}

    static SandboxOptions small() {
        return SandboxOptions.defaults().withProfiles(400).withHistoryDays(45).withRateLimits(RateLimitMode.OFF);
    }

    static SandboxServer start(SandboxOptions o) {
        return SandboxServer.start(o, FIXED);
    }
}

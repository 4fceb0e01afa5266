package dev.ksync.orchestrator;

import java.nio.charset.StandardCharsets;

/**
 * What an update answered: the HTTP status and the exact JSON bytes (a repeat with the same idempotency key gets
 * these bytes again), and whether this is such a replay (nothing was done).
 */
public record UpdateAnswer(int status, byte[] body, boolean replayed) {
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}

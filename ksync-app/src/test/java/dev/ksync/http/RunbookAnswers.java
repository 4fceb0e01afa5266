package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The audience runbook's answers as recorded before the sync runner existed ({@code src/test/resources/runbook}).
 * Timings are the only thing that may differ between runs, so they are zeroed before comparing. Run with
 * {@code -Dksync.pin.record=true} to record them again (then review the diff: a changed answer is a changed API).
 */
public final class RunbookAnswers {
    /** The sandbox's data is generated back from this instant, so its profiles are the same every run. */
    public static final Clock SANDBOX_CLOCK = Clock.fixed(Instant.parse("2025-09-17T00:00:00Z"), ZoneOffset.UTC);
    public static final int PROFILES = 1500;

    private RunbookAnswers() {}

    /** Zeroes the durations an answer reports ({@code durationMs}, {@code budgetWaitMs}, {@code backoffMs}). */
    public static String withoutTimings(String answer) {
        return answer.replaceAll("(\"(?:durationMs|budgetWaitMs|backoffMs)\"\\s*:\\s*)\\d+", "$10");
    }

    /** Asserts {@code actual} is, byte for byte, the recorded answer {@code name} (or records it). */
    public static void assertPinned(String name, String actual) throws IOException {
        if (Boolean.getBoolean("ksync.pin.record")) {
            Path file = Path.of("src/test/resources/runbook", name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        try (InputStream in = RunbookAnswers.class.getResourceAsStream("/runbook/" + name)) {
            assertThat(in).as("recorded answer " + name).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}

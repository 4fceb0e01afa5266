package dev.ksync.audience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Memory does not grow with the number of profiles: 200,000 profiles export inside a 128 MiB heap. */
class AudienceStreamingTest {
    private static final int PROFILES = 200_000;

    @Test
    void exports_200000_profiles_with_a_128_MiB_heap(@TempDir Path dir) throws IOException, InterruptedException {
        Path log = dir.resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), StreamingExportMain.class.getName(),
                Integer.toString(PROFILES)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()) // a pipe nobody reads while waiting would block the child
                .start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            p.destroyForcibly();
        }
        assertThat(finished).as("finished in time").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("scanned=" + PROFILES).contains("maxHeapMiB=128");
        long rows = Long.parseLong(out.replaceAll("(?s).*rows=(\\d+).*", "$1"));
        assertThat(rows).isBetween(PROFILES / 2L, (long) PROFILES);
    }
}

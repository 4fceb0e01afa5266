package dev.ksync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ksync-klaviyo's public surface is its API packages: the client and its queries (root), wire records, reports,
 * errors, stats, the endpoint catalog, budgets, and the transport seam {@code http.HttpTransport}. Its paging machinery
 * and HTTP plumbing are internals; no other module's main code may use them (Java's classpath cannot hide them, so
 * this test does).
 */
class KlaviyoSurfaceTest {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.ksync\\.klaviyo\\.(paging|http)\\.(\\w+)",
            Pattern.MULTILINE);
    private static final List<String> ALLOWED = List.of("http.HttpTransport", "http.HttpAnswer", "http.HttpCall");

    @Test
    void other_modules_use_only_the_klaviyo_api_packages() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> offending = new ArrayList<>();
        for (String module : List.of("ksync-core", "ksync-app", "ksync-bench")) {
            Path src = root.resolve(module).resolve("src/main/java");
            assertThat(src).isDirectory();
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        String used = m.group(1) + "." + m.group(2);
                        if (!ALLOWED.contains(used)) {
                            offending.add(root.relativize(f) + " uses dev.ksync.klaviyo." + used);
                        }
                    }
                }
            }
        }
        assertThat(offending).isEmpty();
    }
}

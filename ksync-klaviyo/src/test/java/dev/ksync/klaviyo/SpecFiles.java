package dev.ksync.klaviyo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Klaviyo's spec and the real recordings in the repository's {@code spec/klaviyo} (see its SOURCE.md):
 * surefire passes {@code ksync.spec.dir}; without it (IDE runs) the nearest {@code spec/klaviyo} upwards.
 */
public final class SpecFiles {
    private SpecFiles() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    public static Path dir() {
        String configured = System.getProperty("ksync.spec.dir");
        if (configured != null) return Path.of(configured);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("spec/klaviyo"))) return p.resolve("spec/klaviyo");
        }
        throw new IllegalStateException("spec/klaviyo not found above " + Path.of("").toAbsolutePath() + "; set -Dksync.spec.dir");
    }

    public static JsonNode spec() {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir().resolve("stable.json.gz")))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path recorded(String name) {
        return dir().resolve("recorded").resolve(name);
    }

    public static List<Path> recordings() {
        try (Stream<Path> s = Files.list(dir().resolve("recorded"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

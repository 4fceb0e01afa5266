package dev.ksync.klaviyo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The spec and the real recordings beside the repo (surefire passes ksync.shared.dir). */
public final class SharedFiles {
    private SharedFiles() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    public static Path shared() {
        String dir = System.getProperty("ksync.shared.dir", "../../shared");
        return Path.of(dir);
    }

    public static JsonNode spec() {
        return read(shared().resolve("klaviyo/openapi/stable.json"));
    }

    public static Path recorded(String name) {
        return shared().resolve("klaviyo/recorded").resolve(name);
    }

    public static List<Path> recordings() {
        try (Stream<Path> s = Files.list(shared().resolve("klaviyo/recorded"))) {
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

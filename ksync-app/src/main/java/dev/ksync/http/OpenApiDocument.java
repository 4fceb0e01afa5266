package dev.ksync.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * ksync's own OpenAPI document ({@code GET /openapi.json}), assembled once at start from resources:
 * {@value #BASE} (the header, info, the {@code Error} schema, the security schemes, shared schemas and responses) and
 * one fragment per route class under {@value #PATHS}/ (e.g. {@code snapshots.json} for {@code SnapshotRoutes}), each
 * {@code {"paths": {...}, "components": {...}}} with components optional. Fragments are merged in file-name order, so
 * the output is the same on every start. Two files declaring the same path and method (or the same component), or a
 * {@code $ref} that points at nothing, stop the start with a message naming the file. {@code OpenApiTest} holds the
 * document against the routes the router actually has.
 */
final class OpenApiDocument {
    static final String BASE = "openapi/base.json";
    static final String PATHS = "openapi/paths";
    private static final Set<String> FRAGMENT_KEYS = Set.of("paths", "components");
    private static final Set<String> PATH_ITEM_KEYS = Set.of("summary", "description", "parameters", "servers",
            "get", "put", "post", "delete", "options", "head", "patch", "trace");

    /** One file's JSON and its name, for messages. */
    record Source(String name, JsonNode json) {}

    private OpenApiDocument() {}

    /** Base and fragments from the classpath (a folder when run from classes, the jar when packaged), merged. */
    static ObjectNode load(ObjectMapper mapper) {
        ClassLoader loader = OpenApiDocument.class.getClassLoader();
        Source base = read(mapper, BASE, loader.getResource(BASE));
        List<Source> fragments = new ArrayList<>();
        withPathsFolder(loader.getResource(BASE), folder -> {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    String name = PATHS + "/" + p.getFileName();
                    try (InputStream in = Files.newInputStream(p)) {
                        fragments.add(new Source(name, parse(mapper, name, in)));
                    }
                }
            }
        });
        return merge(base, fragments);
    }

    /** The base with every fragment's paths and components added, fragments in the order given. */
    static ObjectNode merge(Source base, List<Source> fragments) {
        if (!(base.json() instanceof ObjectNode b)) {
            throw invalid(base.name(), "is not a JSON object");
        }
        ObjectNode doc = b.deepCopy();
        ObjectNode paths = doc.withObjectProperty("paths");
        ObjectNode components = doc.withObjectProperty("components");
        Map<String, String> owners = new HashMap<>();
        paths.properties().forEach(e -> e.getValue().fieldNames()
                .forEachRemaining(k -> owners.put("paths " + e.getKey() + " " + k, base.name())));
        components.properties().forEach(e -> e.getValue().fieldNames()
                .forEachRemaining(k -> owners.put("components." + e.getKey() + "." + k, base.name())));
        for (Source f : fragments) {
            if (!(f.json() instanceof ObjectNode fragment)) {
                throw invalid(f.name(), "is not a JSON object");
            }
            fragment.fieldNames().forEachRemaining(k -> {
                if (!FRAGMENT_KEYS.contains(k)) {
                    throw invalid(f.name(), "has '" + k + "' at the top; a fragment holds only paths and components");
                }
            });
            fragment.path("paths").properties().forEach(e -> {
                String path = e.getKey();
                if (!path.startsWith("/") || !e.getValue().isObject()) {
                    throw invalid(f.name(), "declares path '" + path + "', which must start with / and be an object");
                }
                ObjectNode item = paths.withObjectProperty(path);
                e.getValue().properties().forEach(op -> {
                    if (!PATH_ITEM_KEYS.contains(op.getKey())) {
                        throw invalid(f.name(), "declares '" + op.getKey() + "' under " + path
                                + ", which is not a method or a path item field");
                    }
                    claim(owners, "paths " + path + " " + op.getKey(), f.name(),
                            op.getKey() + " " + path + " is declared");
                    item.set(op.getKey(), op.getValue().deepCopy());
                });
            });
            fragment.path("components").properties().forEach(section -> section.getValue().properties()
                    .forEach(c -> {
                        String where = "components." + section.getKey() + "." + c.getKey();
                        claim(owners, where, f.name(), where + " is defined");
                        components.withObjectProperty(section.getKey()).set(c.getKey(), c.getValue().deepCopy());
                    }));
        }
        checkRefs(base, doc);
        fragments.forEach(f -> checkRefs(f, doc));
        return doc;
    }

    private static void claim(Map<String, String> owners, String what, String file, String message) {
        String first = owners.putIfAbsent(what, file);
        if (first != null) {
            throw invalid(file, ": " + message + " twice (also in " + first + ")");
        }
    }

    /** Every {@code $ref} in {@code source} is local and points at something in the merged document. */
    private static void checkRefs(Source source, JsonNode doc) {
        List<String> refs = new ArrayList<>();
        collectRefs(source.json(), refs);
        for (String ref : refs) {
            if (!ref.startsWith("#/") || doc.at(JsonPointer.compile(ref.substring(1))).isMissingNode()) {
                throw invalid(source.name(), "has $ref '" + ref + "', which points at nothing in the document");
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    into.add(e.getValue().textValue());
                } else {
                    collectRefs(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, into));
        }
    }

    private interface FolderAction {
        void accept(Path folder) throws IOException;
    }

    /** Runs {@code action} on the fragments' folder beside the base, inside the jar when ksync runs from one. */
    private static void withPathsFolder(URL base, FolderAction action) {
        try {
            URI uri = base.toURI();
            if ("jar".equals(uri.getScheme())) {
                String jar = uri.toString().substring(0, uri.toString().indexOf("!/"));
                FileSystem fs;
                boolean opened = false;
                try {
                    fs = FileSystems.newFileSystem(URI.create(jar), Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(URI.create(jar));
                }
                try {
                    Path folder = fs.getPath("/" + PATHS);
                    if (Files.isDirectory(folder)) {
                        action.accept(folder);
                    }
                } finally {
                    if (opened) {
                        fs.close();
                    }
                }
            } else {
                Path folder = Path.of(uri).getParent().resolve("paths");
                if (Files.isDirectory(folder)) {
                    action.accept(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + PATHS + " failed", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unreadable location of " + BASE + ": " + base, e);
        }
    }

    private static Source read(ObjectMapper mapper, String name, URL url) {
        if (url == null) {
            throw invalid(name, "is missing from the classpath");
        }
        try (InputStream in = url.openStream()) {
            return new Source(name, parse(mapper, name, in));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + name + " failed", e);
        }
    }

    private static JsonNode parse(ObjectMapper mapper, String name, InputStream in) throws IOException {
        try {
            return mapper.readTree(in);
        } catch (JsonProcessingException e) {
            throw invalid(name, "is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
    }

    private static IllegalStateException invalid(String file, String problem) {
        return new IllegalStateException("OpenAPI " + file + (problem.startsWith(":") ? "" : " ") + problem);
    }
}

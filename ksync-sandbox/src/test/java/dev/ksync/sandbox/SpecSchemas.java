package dev.ksync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Klaviyo's OpenAPI 3.0 spec (the repository's spec/klaviyo/stable.json.gz) as JSON Schema validators.
 * OpenAPI's {@code nullable} becomes a null alternative. Tolerated, as recorded/README.md says
 * real Klaviyo does: null links.next/prev and null to-one relationship data.
 */
final class SpecSchemas {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonNode spec;
    private final ObjectNode components;
    private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    SpecSchemas() {
        try {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(specFile()))) {
                spec = MAPPER.readTree(in);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        components = (ObjectNode) spec.get("components").deepCopy();
        tolerateRealKlaviyo((ObjectNode) components.get("schemas"));
        convert(components);
    }

    /** Surefire passes ksync.spec.dir; without it (IDE runs) the nearest spec/klaviyo upwards. */
    static Path specFile() {
        String configured = System.getProperty("ksync.spec.dir");
        if (configured != null) return Path.of(configured, "stable.json.gz");
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spec/klaviyo/stable.json.gz"))) return p.resolve("spec/klaviyo/stable.json.gz");
        }
        throw new IllegalStateException("spec/klaviyo not found above " + Path.of("").toAbsolutePath() + "; set -Dksync.spec.dir");
    }

    JsonNode spec() { return spec; }

    JsonNode operation(String method, String path) {
        return spec.path("paths").path(path).path(method.toLowerCase());
    }

    /** Validation messages for a response body of this operation and status class ("200", "4XX"). */
    List<String> validate(String method, String path, String status, JsonNode body) {
        JsonSchema schema = cache.computeIfAbsent(method + " " + path + " " + status, k -> compile(method, path, status));
        Set<ValidationMessage> msgs = schema.validate(body);
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : msgs) out.add(m.getInstanceLocation() + ": " + m.getMessage());
        return out;
    }

    /** Validation messages for a node against one named component schema (e.g. "FlowSms"). */
    List<String> validateComponent(String name, JsonNode node) {
        JsonSchema schema = cache.computeIfAbsent("#" + name, k -> {
            ObjectNode root = MAPPER.createObjectNode();
            root.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name);
            root.set("components", components);
            return factory.getSchema(root, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        });
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(node)) out.add(m.getInstanceLocation() + ": " + m.getMessage());
        return out;
    }

    private JsonSchema compile(String method, String path, String status) {
        JsonNode resp = operation(method, path).path("responses").path(status);
        if (resp.has("$ref")) {
            String ref = resp.get("$ref").asText();
            resp = spec.at(ref.substring(1));
        }
        JsonNode schema = resp.path("content").path("application/vnd.api+json").path("schema");
        if (schema.isMissingNode()) throw new IllegalArgumentException("no schema for " + method + " " + path + " " + status);
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode s = (ObjectNode) schema.deepCopy();
        convert(s);
        root.putArray("allOf").add(s);
        root.set("components", components);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return factory.getSchema(root, config);
    }

    /** Real Klaviyo sends null for links.next/prev and for unlinked to-one relationship data. */
    private static void tolerateRealKlaviyo(ObjectNode schemas) {
        JsonNode links = schemas.path("CollectionLinks").path("properties");
        for (String k : List.of("next", "prev")) if (links.get(k) instanceof ObjectNode o) o.put("nullable", true);
        // Any relationship whose data is a single object: allow null.
        walk(schemas, node -> {
            JsonNode rels = node.path("properties").path("relationships").path("properties");
            if (!rels.isObject()) return;
            for (Iterator<JsonNode> it = rels.elements(); it.hasNext(); ) {
                JsonNode rel = it.next();
                if (rel.path("properties").path("data") instanceof ObjectNode d && "object".equals(d.path("type").asText())) d.put("nullable", true);
            }
        });
        // Links may carry unescaped brackets (Klaviyo's own do); the sandbox escapes them, so uri stays strict.
    }

    private interface Visitor { void visit(ObjectNode node); }

    private static void walk(JsonNode n, Visitor v) {
        if (n instanceof ObjectNode o) {
            v.visit(o);
            o.elements().forEachRemaining(c -> walk(c, v));
        } else if (n instanceof ArrayNode a) {
            a.elements().forEachRemaining(c -> walk(c, v));
        }
    }

    /** OpenAPI 3.0 → JSON Schema draft 7: nullable becomes a null alternative; annotations go. */
    private static void convert(JsonNode n) {
        if (!(n instanceof ObjectNode o)) return;
        if (o.has("schemas") && !o.has("type")) { // the components object
            o.get("schemas").forEach(SpecSchemas::convert);
            return;
        }
        for (String k : List.of("properties", "patternProperties")) {
            if (o.get(k) instanceof ObjectNode m) m.forEach(SpecSchemas::convert);
        }
        for (String k : List.of("items", "additionalProperties", "not")) convert(o.get(k));
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            if (o.get(k) instanceof ArrayNode a) a.forEach(SpecSchemas::convert);
        }
        // The spec's oneOf branches overlap (FlowEmail requires nothing; EmailSendOptions and
        // SMSSendOptions are identical), so no real answer can match exactly one: read oneOf as
        // anyOf, and check the channel's own branch separately (validateComponent).
        if (o.get("oneOf") != null) o.set("anyOf", o.remove("oneOf"));
        for (String k : List.of("example", "examples", "discriminator", "readOnly", "writeOnly", "deprecated", "xml", "externalDocs")) o.remove(k);
        List<String> ext = new ArrayList<>();
        o.fieldNames().forEachRemaining(k -> { if (k.startsWith("x-")) ext.add(k); });
        ext.forEach(o::remove);
        JsonNode nullable = o.remove("nullable");
        if (nullable != null && nullable.asBoolean()) {
            ObjectNode copy = o.deepCopy();
            o.removeAll();
            ArrayNode any = o.putArray("anyOf");
            any.addObject().put("type", "null");
            any.add(copy);
        }
    }
}

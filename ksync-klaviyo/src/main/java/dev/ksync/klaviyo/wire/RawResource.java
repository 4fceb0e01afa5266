package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One {@code data[]} item exactly as Klaviyo sent it, for raw ingestion: its JSON bytes (a view of the page's body,
 * never re-serialized) with what a loader needs read once while the page was parsed: {@code type}, {@code id} and
 * the scalar top-level attributes. Nested attributes (objects, arrays), relationships and links stay in the bytes
 * only: building them as trees would cost more than the whole load's own work.
 */
public final class RawResource {
    private final String type;
    private final String id;
    private final ObjectNode attributes;
    private final byte[] body;
    private final int offset;
    private final int length;

    private RawResource(String type, String id, ObjectNode attributes, byte[] body, int offset, int length) {
        this.type = type;
        this.id = id;
        this.attributes = attributes;
        this.body = body;
        this.offset = offset;
        this.length = length;
    }

    /** A standalone JSON:API resource object (tests, benchmarks). */
    public static RawResource of(byte[] json) {
        try (JsonParser p = READER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            return read(p, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawResource of(String json) {
        return of(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final ObjectMapper READER = new ObjectMapper();

    /**
     * Reads the resource object the parser stands on ({@code START_OBJECT}) out of {@code body}, the bytes the parser
     * reads; leaves it on the object's {@code END_OBJECT}.
     */
    static RawResource read(JsonParser p, byte[] body) throws IOException {
        int start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
        String type = null;
        String id = null;
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "type" -> type = value.isScalarValue() ? p.getValueAsString() : skip(p);
                case "id" -> id = value.isScalarValue() ? p.getValueAsString() : skip(p);
                case "attributes" -> {
                    if (value != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        break;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonNode v = scalar(p, p.nextToken());
                        if (v != null) attributes.set(key, v);
                        else p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!p.hasToken(JsonToken.END_OBJECT)) throw new IOException("a resource object without its end");
        int end = Math.toIntExact(p.currentLocation().getByteOffset());
        return new RawResource(type, id, attributes, body, start, end - start);
    }

    /**
     * The scalar the parser stands on; null for an object or array. A fraction keeps its decimal digits as sent
     * ({@code 1.50}, not the double 1.5), as PostgreSQL's jsonb keeps them from the same bytes.
     */
    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (t) {
            case VALUE_STRING -> f.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> f.numberNode(p.getIntValue());
                case LONG -> f.numberNode(p.getLongValue());
                default -> f.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> DecimalNode.valueOf(p.getDecimalValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> null;
        };
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** The resource's {@code type}, null if it has none. */
    public String type() {
        return type;
    }

    /** The resource's {@code id}, null if it has none. */
    public String id() {
        return id;
    }

    /** A scalar top-level attribute ({@code null} included), or a missing node (absent, object or array). */
    public JsonNode attribute(String name) {
        return attributes.path(name);
    }

    /** The scalar top-level attributes in Klaviyo's order (read-only by contract: do not modify). */
    public ObjectNode scalarAttributes() {
        return attributes;
    }

    /** The resource's JSON as Klaviyo sent it: a read-only view, positioned at its start. */
    public ByteBuffer json() {
        return ByteBuffer.wrap(body, offset, length).slice().asReadOnlyBuffer();
    }

    /** The whole resource as a tree (parses the bytes again: for tests and rare reads, not the load path). */
    public JsonNode tree() {
        try {
            return READER.readTree(body, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawResource r && Objects.equals(type, r.type) && Objects.equals(id, r.id) && json().equals(r.json());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, id, json());
    }

    @Override
    public String toString() {
        return "RawResource[" + type + " " + id + ", " + length + " bytes]";
    }
}

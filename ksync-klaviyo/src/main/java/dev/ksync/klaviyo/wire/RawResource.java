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
import java.util.Arrays;
import java.util.Objects;

/**
 * One {@code data[]} item exactly as Klaviyo sent it, for raw ingestion: its JSON bytes (a view of the page's body,
 * never re-serialized) with what a loader needs read once while the page was parsed: {@code type}, {@code id}, the
 * scalar top-level attributes and where its JSON:API {@code links} members lie. Nested attributes (objects, arrays),
 * relationships and links stay in the bytes only: building them as trees would cost more than the whole load's own
 * work.
 */
public final class RawResource {
    private final String type;
    private final String id;
    private final ObjectNode attributes;
    private final byte[] body;
    private final int offset;
    private final int length;
    /** [from, to) pairs of {@link #body}, in order: each {@code links} member with the comma that joins it. */
    private final int[] links;

    private RawResource(String type, String id, ObjectNode attributes, byte[] body, int offset, int length, int[] links) {
        this.type = type;
        this.id = id;
        this.attributes = attributes;
        this.body = body;
        this.offset = offset;
        this.length = length;
        this.links = links;
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
        int[] links = NO_LINKS;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int nameAt = nameOffset(p);
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
                case "links" -> links = link(p, value, body, nameAt, links);
                case "relationships" -> {
                    if (value != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        break;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        if (p.nextToken() != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            boolean isLinks = p.currentName().equals("links");
                            int at = nameOffset(p);
                            JsonToken v = p.nextToken();
                            if (isLinks) links = link(p, v, body, at, links);
                            else p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!p.hasToken(JsonToken.END_OBJECT)) throw new IOException("a resource object without its end");
        int end = Math.toIntExact(p.currentLocation().getByteOffset());
        return new RawResource(type, id, attributes, body, start, end - start, links);
    }

    private static final int[] NO_LINKS = new int[0];

    private static int nameOffset(JsonParser p) {
        return Math.toIntExact(p.currentTokenLocation().getByteOffset());
    }

    /**
     * Skips a {@code links} member's value and adds its range to {@code links}: from the comma before its name (or
     * from its name to the comma after it, when it comes first), so the bytes left are JSON still. Only an object is
     * a JSON:API links member; anything else stays.
     */
    private static int[] link(JsonParser p, JsonToken value, byte[] body, int nameAt, int[] links) throws IOException {
        p.skipChildren();
        if (value != JsonToken.START_OBJECT) return links;
        int from = nameAt;
        int to = Math.toIntExact(p.currentLocation().getByteOffset());
        int before = nameAt - 1;
        while (before >= 0 && isSpace(body[before])) before--;
        // a comma an earlier range already took (a repeated links member) does not join this one
        boolean taken = links.length > 0 && before < links[links.length - 1];
        if (before >= 0 && body[before] == ',' && !taken) {
            from = before;
        } else {
            int after = to;
            while (after < body.length && isSpace(body[after])) after++;
            if (after < body.length && body[after] == ',') to = after + 1;
        }
        int[] more = Arrays.copyOf(links, links.length + 2);
        more[links.length] = from;
        more[links.length + 1] = to;
        return more;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
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

    /**
     * The resource's JSON without its JSON:API {@code links} members (its own and each relationship's): URLs Klaviyo
     * makes from the id, about two fifths of an event's bytes. A view like {@link #json()} when it has none.
     */
    public ByteBuffer jsonWithoutLinks() {
        if (links.length == 0) return json();
        int cut = 0;
        for (int i = 0; i < links.length; i += 2) cut += links[i + 1] - links[i];
        byte[] out = new byte[length - cut];
        int from = offset;
        int at = 0;
        for (int i = 0; i < links.length; i += 2) {
            System.arraycopy(body, from, out, at, links[i] - from);
            at += links[i] - from;
            from = links[i + 1];
        }
        System.arraycopy(body, from, out, at, offset + length - from);
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
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

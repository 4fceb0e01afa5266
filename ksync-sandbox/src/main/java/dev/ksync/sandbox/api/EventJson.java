package dev.ksync.sandbox.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.ksync.sandbox.data.Event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event resource, defined once: pages write it straight to their generator (events are the sandbox's bulk
 * work); a document that needs nodes (GET /api/events/{id}, the fallback page) reads the same tokens back as a tree.
 */
final class EventJson {
    /** Attributes in Klaviyo's order; fields[event] picks a subset in the order it names them. */
    static final List<String> ATTRIBUTES = List.of("timestamp", "event_properties", "datetime", "uuid");

    private record Relationship(String name, boolean toOne, boolean alwaysData) {}

    private static final List<Relationship> RELATIONSHIPS = List.of(
            new Relationship("profile", true, true), new Relationship("metric", true, true),
            new Relationship("attributions", false, false));

    private final Links links;
    private final ObjectMapper mapper;

    EventJson(Links links, ObjectMapper mapper) {
        this.links = links;
        this.mapper = mapper;
    }

    /** The resources a relationship names (what its data lists and included[] draws from). */
    static List<Documents.Ref> related(Event e, String relationship) {
        return switch (relationship) {
            case "profile" -> e.profileId() == null ? List.of() : List.of(new Documents.Ref("profile", e.profileId()));
            case "metric" -> List.of(new Documents.Ref("metric", e.metric().id()));
            default -> List.of(); // attributions: the sandbox attributes nothing
        };
    }

    /** Whether {@link #write} renders these sparse fields exactly as {@link Documents#sparse} cuts the tree. */
    static boolean writesSparse(Set<String> wanted) {
        return wanted == null || wanted.stream().noneMatch(f -> f.contains("."));
    }

    /**
     * Writes one event; {@code withData} names the relationships whose data is filled, {@code wanted} the sparse
     * attributes (null or empty: all; top-level names only, see {@link #writesSparse}).
     */
    void write(JsonGenerator g, Event e, Set<String> withData, Collection<String> wanted) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "event");
        g.writeStringField("id", e.id());
        g.writeObjectFieldStart("attributes");
        for (String a : wanted == null || wanted.isEmpty() ? ATTRIBUTES : wanted) {
            switch (a) {
                case "timestamp" -> {
                    g.writeFieldName(a);
                    g.writeNumber(e.time().getEpochSecond());
                }
                case "event_properties" -> {
                    g.writeFieldName(a);
                    value(g, e.properties());
                }
                case "datetime" -> g.writeStringField(a, Json.time(e.time()));
                case "uuid" -> g.writeStringField(a, e.uuid());
                default -> { } // "id" is no attribute
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("relationships");
        for (Relationship r : RELATIONSHIPS) {
            g.writeObjectFieldStart(r.name());
            if (r.alwaysData() || withData.contains(r.name())) {
                List<Documents.Ref> refs = related(e, r.name());
                g.writeFieldName("data");
                if (r.toOne()) {
                    if (refs.isEmpty()) g.writeNull();
                    else ref(g, refs.get(0));
                } else {
                    g.writeStartArray();
                    for (Documents.Ref x : refs) ref(g, x);
                    g.writeEndArray();
                }
            }
            g.writeObjectFieldStart("links");
            g.writeStringField("self", links.relationshipSelf("events", e.id(), r.name()));
            g.writeStringField("related", links.related("events", e.id(), r.name()));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("links");
        g.writeStringField("self", links.self("events", e.id()));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The same event as nodes, read back from {@link #write}'s tokens. */
    ObjectNode tree(Event e, Set<String> withData) {
        try (TokenBuffer tokens = new TokenBuffer(mapper, false)) {
            write(tokens, e, withData, null);
            return mapper.readTree(tokens.asParser());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void ref(JsonGenerator g, Documents.Ref r) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", r.type());
        g.writeStringField("id", r.id());
        g.writeEndObject();
    }

    /** Event properties (maps, lists, strings, numbers) as Jackson writes them; anything else goes to the mapper. */
    private void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case BigDecimal d -> g.writeNumber(d);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (var en : m.entrySet()) {
                    g.writeFieldName(String.valueOf(en.getKey()));
                    value(g, en.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object x : l) value(g, x);
                g.writeEndArray();
            }
            default -> mapper.writeValue(g, v);
        }
    }
}

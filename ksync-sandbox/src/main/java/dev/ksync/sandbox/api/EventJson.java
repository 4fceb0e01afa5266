package dev.ksync.sandbox.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
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

    private record Relationship(String name, SerializedString field, boolean toOne, boolean alwaysData) {
        Relationship(String name, boolean toOne, boolean alwaysData) { this(name, new SerializedString(name), toOne, alwaysData); }
    }

    private static final List<Relationship> RELATIONSHIPS = List.of(
            new Relationship("profile", true, true), new Relationship("metric", true, true),
            new Relationship("attributions", false, false));

    // names written for every event, encoded once
    private static final SerializedString TYPE = new SerializedString("type"), ID = new SerializedString("id"),
            ATTRIBUTES_FIELD = new SerializedString("attributes"), TIMESTAMP = new SerializedString("timestamp"),
            EVENT_PROPERTIES = new SerializedString("event_properties"), DATETIME = new SerializedString("datetime"),
            UUID = new SerializedString("uuid"), RELATIONSHIPS_FIELD = new SerializedString("relationships"),
            DATA = new SerializedString("data"), LINKS = new SerializedString("links"), SELF = new SerializedString("self"),
            RELATED = new SerializedString("related");

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
        field(g, TYPE, "event");
        field(g, ID, e.id());
        g.writeFieldName(ATTRIBUTES_FIELD);
        g.writeStartObject();
        for (String a : wanted == null || wanted.isEmpty() ? ATTRIBUTES : wanted) {
            switch (a) {
                case "timestamp" -> {
                    g.writeFieldName(TIMESTAMP);
                    g.writeNumber(e.time().getEpochSecond());
                }
                case "event_properties" -> {
                    g.writeFieldName(EVENT_PROPERTIES);
                    value(g, e.properties());
                }
                case "datetime" -> field(g, DATETIME, Json.time(e.time()));
                case "uuid" -> field(g, UUID, e.uuid());
                default -> { } // "id" is no attribute
            }
        }
        g.writeEndObject();
        g.writeFieldName(RELATIONSHIPS_FIELD);
        g.writeStartObject();
        for (Relationship r : RELATIONSHIPS) {
            g.writeFieldName(r.field());
            g.writeStartObject();
            if (r.alwaysData() || withData.contains(r.name())) {
                List<Documents.Ref> refs = related(e, r.name());
                g.writeFieldName(DATA);
                if (r.toOne()) {
                    if (refs.isEmpty()) g.writeNull();
                    else ref(g, refs.get(0));
                } else {
                    g.writeStartArray();
                    for (Documents.Ref x : refs) ref(g, x);
                    g.writeEndArray();
                }
            }
            g.writeFieldName(LINKS);
            g.writeStartObject();
            field(g, SELF, links.relationshipSelf("events", e.id(), r.name()));
            field(g, RELATED, links.related("events", e.id(), r.name()));
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeFieldName(LINKS);
        g.writeStartObject();
        field(g, SELF, links.self("events", e.id()));
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void field(JsonGenerator g, SerializedString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
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
        field(g, TYPE, r.type());
        field(g, ID, r.id());
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

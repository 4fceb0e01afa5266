package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/** Absolute links on the sandbox's own base URL, shaped like Klaviyo's (trailing slashes included). */
public final class Links {
    private final Supplier<String> base;

    public Links(Supplier<String> base) { this.base = base; }

    public String base() { return base.get(); }

    public String self(String collection, String id) {
        return base.get() + "/api/" + collection + "/" + id + "/";
    }

    public ObjectNode selfLinks(String collection, String id) {
        ObjectNode o = Json.obj();
        o.put("self", self(collection, id));
        return o;
    }

    /** {@code {"links":{"self":…/relationships/rel/,"related":…/rel/}}}. */
    public ObjectNode relationship(String collection, String id, String rel) {
        ObjectNode r = Json.obj();
        ObjectNode l = r.putObject("links");
        l.put("self", relationshipSelf(collection, id, rel));
        l.put("related", related(collection, id, rel));
        return r;
    }

    public String relationshipSelf(String collection, String id, String rel) {
        return base.get() + "/api/" + collection + "/" + id + "/relationships/" + rel + "/";
    }

    public String related(String collection, String id, String rel) {
        return base.get() + "/api/" + collection + "/" + id + "/" + rel + "/";
    }
}

package dev.ksync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a request's JSON object body strictly: malformed JSON, a non-object, unknown or mistyped fields are 400s. */
final class JsonBodies {
    private final ObjectMapper mapper;

    JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object whose field names are all in {@code allowed}; an empty body is {@code {}}. */
    ObjectNode object(Context ctx, Set<String> allowed) {
        String body = ctx.body();
        if (body.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            ApiError err = ErrorMapper.malformedJson(e);
            throw new KsyncException(ErrorKind.BAD_INPUT, err.error(), err.message(), err.details());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_body",
                    "The request body must be a JSON object", Map.of("got", node.getNodeType().name().toLowerCase()));
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "unknown_field",
                    "Unknown field(s) " + unknown + "; allowed: " + allowed.stream().sorted().toList(),
                    Map.of("fields", unknown, "allowed", allowed.stream().sorted().toList()));
        }
        return obj;
    }
}

package dev.ksync.audience;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds requests from JSON text, as the HTTP door does. */
final class AudienceRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AudienceRequests() {}

    static AudienceRequest parse(String json) {
        try {
            return AudienceRequest.parse((ObjectNode) JSON.readTree(json.replace('\'', '"')));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

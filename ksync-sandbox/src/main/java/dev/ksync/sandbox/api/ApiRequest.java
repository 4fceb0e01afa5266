package dev.ksync.sandbox.api;

import java.util.List;
import java.util.Map;

/** What a handler needs from an HTTP request, independent of Javalin. */
public record ApiRequest(String path, Map<String, String> pathParams, Map<String, List<String>> query, String body) {
    public ApiRequest {
        pathParams = Map.copyOf(pathParams);
    }

    public String pathParam(String name) { return pathParams.get(name); }
}

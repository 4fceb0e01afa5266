package dev.ksync.http;

import java.util.Map;

/** The JSON body of every error answer: {@code {"error": "<snake_code>", "message": "...", "details": {...}}}. */
public record ApiError(String error, String message, Map<String, Object> details) {
    public ApiError {
        details = details == null ? Map.of() : details;
    }
}

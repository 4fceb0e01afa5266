package dev.ksync.backfill;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A backfill's status object as the API answers it ({@code json}, built in SQL by {@link BackfillStore}), with the
 * fields code reads typed beside it.
 */
public record BackfillStatus(String clientId, String status, int daysCompleted, int daysTotal, JsonNode json) {
    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean running() {
        return IN_PROGRESS.equals(status);
    }

    @JsonValue
    public JsonNode json() {
        return json;
    }
}

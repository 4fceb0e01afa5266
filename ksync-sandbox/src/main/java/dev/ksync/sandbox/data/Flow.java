package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;

/**
 * A flow. It sends messages (and so produces events) between {@code activeFrom} and
 * {@code activeUntil} at about {@code dailyEntryRate} × profiles entrants a day.
 */
public record Flow(String id, String name, String status, boolean archived, Instant created, Instant updated,
                   String triggerType, String triggerId, List<String> tagIds, List<String> actionIds,
                   Instant activeFrom, Instant activeUntil, double dailyEntryRate) {
    public Flow {
        tagIds = List.copyOf(tagIds);
        actionIds = List.copyOf(actionIds);
    }
}

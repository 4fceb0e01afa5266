package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;

/** A campaign with one message; {@code sendTime} is set once it was (or is scheduled to be) sent. */
public record Campaign(String id, String name, String status, boolean archived, String channel,
                       List<String> includedAudiences, List<String> excludedAudiences, Instant created,
                       Instant scheduledAt, Instant updated, Instant sendTime, List<String> messageIds,
                       List<String> tagIds, boolean smartSending) {
    public Campaign {
        includedAudiences = List.copyOf(includedAudiences);
        excludedAudiences = List.copyOf(excludedAudiences);
        messageIds = List.copyOf(messageIds);
        tagIds = List.copyOf(tagIds);
    }

    public boolean sent() { return "Sent".equals(status); }
}

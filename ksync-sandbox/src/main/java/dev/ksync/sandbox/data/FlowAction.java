package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;

/** A flow action: send-email, send-sms or time-delay, linked to the next action. */
public record FlowAction(String id, String flowId, String type, String status, Instant created, Instant updated,
                         String nextActionId, int delayHours, List<String> messageIds) {
    public FlowAction { messageIds = List.copyOf(messageIds); }
}

package dev.ksync.sandbox.data;

import java.time.Instant;

/** A flow message; {@code index} is its place in the account-wide message numbering used by events. */
public record FlowMessage(String id, int index, String flowId, String actionId, String name, String channel,
                          String subject, String previewText, String fromEmail, String fromLabel, String body,
                          String templateId, Instant created, Instant updated) {}

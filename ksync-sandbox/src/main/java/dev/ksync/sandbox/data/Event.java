package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.Map;

/**
 * One event, materialised from the compact day arrays. {@code messageId} (flow or campaign message)
 * is the attribution the reports use: the message sent for email/SMS events, the attributed message
 * for orders (null when organic).
 */
public record Event(String id, int day, int position, Instant time, Metric metric, int profileIndex, String profileId,
                    String messageId, String flowId, String campaignId, String uuid, Map<String, Object> properties) {}

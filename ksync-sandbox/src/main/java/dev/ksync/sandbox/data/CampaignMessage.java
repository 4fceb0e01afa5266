package dev.ksync.sandbox.data;

import java.time.Instant;

public record CampaignMessage(String id, int index, String campaignId, String channel, String label, String subject,
                              String previewText, String fromEmail, String fromLabel, String body, String templateId,
                              Instant sendTime, Instant created, Instant updated) {}

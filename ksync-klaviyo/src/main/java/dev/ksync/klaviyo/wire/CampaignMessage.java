package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A campaign message (revision ≥ 2025-01-15: fields under {@code definition}). */
public record CampaignMessage(String id, String campaignId, String channel, String label, String subject,
                              String previewText, String fromEmail, String fromLabel, String body,
                              List<SendTime> sendTimes, String templateId, Instant createdAt, Instant updatedAt,
                              JsonNode raw) {
    public CampaignMessage {
        sendTimes = List.copyOf(sendTimes);
    }

    public record SendTime(Instant datetime, Boolean isLocal) {}

    public static CampaignMessage from(JsonNode r, String campaignId) {
        JsonNode a = r.path("attributes");
        JsonNode d = Nodes.node(a, "definition");
        if (d == null) d = a; // pre-2025-01-15 shape had the fields at the top
        JsonNode c = Nodes.node(d, "content");
        List<SendTime> times = new ArrayList<>();
        JsonNode st = Nodes.node(a, "send_times");
        if (st != null && st.isArray()) st.forEach(t -> times.add(new SendTime(Nodes.time(t, "datetime"), Nodes.bool(t, "is_local"))));
        String campaign = Nodes.relId(r, "campaign");
        return new CampaignMessage(Nodes.text(r, "id"), campaign != null ? campaign : campaignId,
                Nodes.text(d, "channel"), Nodes.text(d, "label"), Nodes.text(c, "subject"),
                Nodes.text(c, "preview_text"), Nodes.text(c, "from_email"), Nodes.text(c, "from_label"),
                Nodes.text(c, "body"), times, Nodes.relId(r, "template"), Nodes.time(a, "created_at"),
                Nodes.time(a, "updated_at"), r);
    }
}

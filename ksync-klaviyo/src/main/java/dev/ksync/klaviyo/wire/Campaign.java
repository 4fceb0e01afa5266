package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A campaign; {@code channel} is the one it was listed under (Klaviyo lists one channel at a time). */
public record Campaign(String id, String name, String status, Boolean archived, String channel,
                       List<String> audiencesIncluded, List<String> audiencesExcluded, String sendStrategyMethod,
                       Instant sendStrategyDatetime, Instant createdAt, Instant scheduledAt, Instant updatedAt,
                       Instant sendTime, JsonNode raw) {
    public Campaign {
        audiencesIncluded = List.copyOf(audiencesIncluded);
        audiencesExcluded = List.copyOf(audiencesExcluded);
    }

    public static Campaign from(JsonNode r, String channel) {
        JsonNode a = r.path("attributes");
        JsonNode aud = Nodes.node(a, "audiences");
        JsonNode strategy = Nodes.node(a, "send_strategy");
        Instant strategyTime = Nodes.time(strategy, "datetime");
        if (strategyTime == null) strategyTime = Nodes.time(Nodes.node(strategy, "options_static"), "datetime");
        return new Campaign(Nodes.text(r, "id"), Nodes.text(a, "name"), Nodes.text(a, "status"),
                Nodes.bool(a, "archived"), channel, Nodes.texts(aud, "included"), Nodes.texts(aud, "excluded"),
                Nodes.text(strategy, "method"), strategyTime, Nodes.time(a, "created_at"),
                Nodes.time(a, "scheduled_at"), Nodes.time(a, "updated_at"), Nodes.time(a, "send_time"), r);
    }
}

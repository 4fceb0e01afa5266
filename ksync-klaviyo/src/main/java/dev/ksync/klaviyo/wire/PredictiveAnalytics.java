package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** {@code attributes.predictive_analytics}: CLV and order predictions (predicted_* cover 365 days). */
public record PredictiveAnalytics(Double historicClv, Double predictedClv, Double totalClv,
                                  Double historicNumberOfOrders, Double predictedNumberOfOrders,
                                  Double averageDaysBetweenOrders, Double averageOrderValue, Double churnProbability,
                                  Instant expectedDateOfNextOrder, List<String> rankedChannelAffinity) {
    public PredictiveAnalytics {
        rankedChannelAffinity = rankedChannelAffinity == null ? List.of() : List.copyOf(rankedChannelAffinity);
    }

    static PredictiveAnalytics from(JsonNode p) {
        if (p == null || !p.isObject()) return null;
        return new PredictiveAnalytics(Nodes.number(p, "historic_clv"), Nodes.number(p, "predicted_clv"),
                Nodes.number(p, "total_clv"), Nodes.number(p, "historic_number_of_orders"),
                Nodes.number(p, "predicted_number_of_orders"), Nodes.number(p, "average_days_between_orders"),
                Nodes.number(p, "average_order_value"), Nodes.number(p, "churn_probability"),
                Nodes.time(p, "expected_date_of_next_order"), Nodes.texts(p, "ranked_channel_affinity"));
    }
}

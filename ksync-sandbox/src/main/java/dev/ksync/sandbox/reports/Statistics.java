package dev.ksync.sandbox.reports;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counters for one report row (or one bucket of a series), fed event by event. The statistic
 * definitions say which events count, so tests can recount them from the events API.
 */
final class Statistics {
    static final List<String> NAMES = List.of("average_order_value", "bounce_rate", "bounced", "bounced_or_failed",
            "bounced_or_failed_rate", "click_rate", "click_to_open_rate", "clicks", "clicks_unique", "conversion_rate",
            "conversion_uniques", "conversion_value", "conversions", "delivered", "delivery_rate", "failed", "failed_rate",
            "message_segment_count_sum", "open_rate", "opens", "opens_unique", "recipients", "revenue_per_recipient",
            "spam_complaint_rate", "spam_complaints", "text_message_credit_usage_amount", "text_message_roi",
            "text_message_spend", "unsubscribe_rate", "unsubscribe_uniques", "unsubscribes");

    long delivered, bounced, failed, opens, clicks, conversions, unsubscribes, spam, smsSegments;
    BigDecimal conversionValue = BigDecimal.ZERO;
    final Set<Integer> openers = new HashSet<>(), clickers = new HashSet<>(), converters = new HashSet<>(), unsubscribers = new HashSet<>();

    long recipients() { return delivered + bounced + failed; }

    private static double rate(double num, double den) { return den == 0 ? 0.0 : num / den; }

    Number value(String name) {
        long rec = recipients();
        return switch (name) {
            case "recipients" -> rec;
            case "delivered" -> delivered;
            case "delivery_rate" -> rate(delivered, rec);
            case "bounced" -> bounced;
            case "bounce_rate" -> rate(bounced, rec);
            case "failed" -> failed;
            case "failed_rate" -> rate(failed, rec);
            case "bounced_or_failed" -> bounced + failed;
            case "bounced_or_failed_rate" -> rate(bounced + failed, rec);
            case "opens" -> opens;
            case "opens_unique" -> openers.size();
            case "open_rate" -> rate(openers.size(), delivered);
            case "clicks" -> clicks;
            case "clicks_unique" -> clickers.size();
            case "click_rate" -> rate(clickers.size(), delivered);
            case "click_to_open_rate" -> rate(clickers.size(), openers.size());
            case "conversions" -> conversions;
            case "conversion_uniques" -> converters.size();
            case "conversion_rate" -> rate(converters.size(), delivered);
            case "conversion_value" -> conversionValue.doubleValue();
            case "revenue_per_recipient" -> rate(conversionValue.doubleValue(), delivered);
            case "average_order_value" -> rate(conversionValue.doubleValue(), conversions);
            case "unsubscribes" -> unsubscribes;
            case "unsubscribe_uniques" -> unsubscribers.size();
            case "unsubscribe_rate" -> rate(unsubscribers.size(), delivered);
            case "spam_complaints" -> spam;
            case "spam_complaint_rate" -> rate(spam, delivered);
            case "message_segment_count_sum" -> smsSegments;
            case "text_message_credit_usage_amount" -> smsSegments;
            case "text_message_spend" -> Math.round(smsSegments * 0.01 * 100) / 100.0;
            case "text_message_roi" -> smsSegments == 0 ? 0.0 : rate(conversionValue.doubleValue(), smsSegments * 0.01);
            default -> throw new IllegalArgumentException(name);
        };
    }
}

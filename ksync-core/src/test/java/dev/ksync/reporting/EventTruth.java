package dev.ksync.reporting;

import dev.ksync.klaviyo.Filter;
import dev.ksync.klaviyo.Listings;
import dev.ksync.klaviyo.Query;
import dev.ksync.klaviyo.KlaviyoClient;
import dev.ksync.klaviyo.wire.Event;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a report row should say, recounted by the test from raw GET /api/events: sends, bounces, opens, clicks,
 * unsubscribes and complaints carry {@code $message} (and {@code $flow} for flows), conversions carry
 * {@code $attributed_message}. Counted per key (e.g. message and day in the account timezone).
 */
public final class EventTruth {
    /** Metric names the statistics come from (the sandbox's, as Klaviyo names them). */
    static final List<String> MESSAGE_METRICS = List.of("Received Email", "Bounced Email", "Opened Email",
            "Clicked Email", "Unsubscribed", "Marked Email as Spam", "Received SMS", "Clicked SMS",
            "Failed to Deliver SMS", "Unsubscribed from SMS");

    public static final class Counter {
        long delivered, bounced, failed, spam;
        final Set<String> openers = new HashSet<>(), clickers = new HashSet<>(), converters = new HashSet<>(),
                unsubscribers = new HashSet<>();
        BigDecimal value = BigDecimal.ZERO;

        private static double q(double n, double d) { return d == 0 ? 0 : n / d; }

        /** The statistic as Klaviyo defines it, from the counts. */
        public double expected(Statistic s) {
            double rec = delivered + bounced + failed;
            return switch (s) {
                case RECIPIENTS -> rec;
                case DELIVERED -> delivered;
                case UNIQUE_OPENS -> openers.size();
                case OPEN_RATE -> q(openers.size(), delivered);
                case UNIQUE_CLICKS -> clickers.size();
                case CLICK_RATE -> q(clickers.size(), delivered);
                case PLACED_ORDER -> converters.size();
                case PLACED_ORDER_RATE -> q(converters.size(), delivered);
                case REVENUE -> value.doubleValue();
                case REVENUE_PER_RECIPIENT -> q(value.doubleValue(), delivered);
                case UNSUBSCRIBES -> unsubscribers.size();
                case UNSUB_RATE -> q(unsubscribers.size(), delivered);
                case SPAM_COMPLAINTS -> spam;
                case COMPLAINT_RATE -> q(spam, delivered);
                case BOUNCES -> bounced;
                case BOUNCE_RATE -> q(bounced, rec);
            };
        }
    }

    private EventTruth() {}

    /**
     * @param metricIds   metric name → id
     * @param key         the counting key of a message event, or null to skip it (e.g. not a flow message)
     * @param conversionKey the counting key of a conversion event, or null to skip it
     */
    public static Map<String, Counter> count(KlaviyoClient client, Map<String, String> metricIds, String conversionMetricId,
                                             Instant from, Instant to, Function<Event, String> key,
                                             Function<Event, String> conversionKey) {
        Map<String, Counter> out = new HashMap<>();
        for (String name : MESSAGE_METRICS) {
            for (Event e : events(client, metricIds.get(name), from, to)) {
                String k = key.apply(e);
                if (k == null) continue;
                Counter c = out.computeIfAbsent(k, x -> new Counter());
                switch (name) {
                    case "Received Email", "Received SMS" -> c.delivered++;
                    case "Bounced Email" -> c.bounced++;
                    case "Failed to Deliver SMS" -> c.failed++;
                    case "Opened Email" -> c.openers.add(e.profileId());
                    case "Clicked Email", "Clicked SMS" -> c.clickers.add(e.profileId());
                    case "Unsubscribed", "Unsubscribed from SMS" -> c.unsubscribers.add(e.profileId());
                    case "Marked Email as Spam" -> c.spam++;
                    default -> throw new IllegalStateException(name);
                }
            }
        }
        for (Event e : events(client, conversionMetricId, from, to)) {
            String k = conversionKey.apply(e);
            if (k == null) continue;
            Counter c = out.computeIfAbsent(k, x -> new Counter());
            c.converters.add(e.profileId());
            c.value = c.value.add(e.eventProperties().path("$value").decimalValue());
        }
        return out;
    }

    public static String prop(Event e, String name) {
        return e.eventProperties() == null || !e.eventProperties().hasNonNull(name) ? null : e.eventProperties().get(name).asText();
    }

    public static LocalDate day(Event e, ZoneId zone) {
        return LocalDate.ofInstant(e.datetime(), zone);
    }

    private static List<Event> events(KlaviyoClient client, String metricId, Instant from, Instant to) {
        try (Stream<Event> s = client.list(Listings.EVENTS, Query.all().filter(Filter.equals("metric_id", metricId))
                .filter(Filter.greaterOrEqual("datetime", from)).filter(Filter.lessThan("datetime", to)).pageSize(1000))) {
            return s.toList();
        }
    }
}

package dev.ksync.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.klaviyo.wire.Event;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Placed Order event as a backfill_orders row, read from the event's properties as Shopify's integration sends
 * them ({@code $value}, {@code $currency_code}, {@code Categories}, {@code Brands}, {@code Discount Codes},
 * {@code Total Discounts}, {@code Shipping Rate}, {@code utm_*}, {@code $extra.line_items} and
 * {@code $extra.shipping_lines}, {@code $attributed_message|flow|channel}); the e-mail from the included profile.
 */
public record OrderRow(String eventId, String orderId, Instant time, LocalDate day, BigDecimal value, String currency,
                       ArrayNode items, int itemCount, String profileId, String email, String utmSource,
                       String utmMedium, String utmCampaign, List<String> discountCodes, BigDecimal totalDiscounts,
                       JsonNode shipping, BigDecimal shippingTotal, List<String> categories, List<String> brands,
                       String attributedMessage, String attributedChannel, String attributedFlow,
                       String attributedCampaign) {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** @param campaignOfMessage campaign message id → campaign id (the attributed campaign of a campaign message) */
    public static OrderRow from(Event e, ZoneId zone, Map<String, String> campaignOfMessage) {
        JsonNode p = e.eventProperties() == null ? F.objectNode() : e.eventProperties();
        JsonNode extra = p.path("$extra");
        ArrayNode items = F.arrayNode();
        int count = 0;
        if (extra.path("line_items").isArray()) {
            for (JsonNode l : extra.path("line_items")) {
                ObjectNode i = items.addObject();
                i.put("product_id", text(l, "product_id"));
                i.put("sku", text(l, "sku"));
                i.put("name", text(l, "name") != null ? text(l, "name") : text(l, "title"));
                int q = l.path("quantity").asInt(1);
                i.put("quantity", q);
                i.put("price", money(l, "price"));
                i.put("line_price", money(l, "line_price"));
                ArrayNode cats = i.putArray("categories");
                texts(l, "categories").forEach(cats::add);
                i.put("brand", text(l, "vendor") != null ? text(l, "vendor") : text(l, "brand"));
                count += q;
            }
        } else {
            for (String name : texts(p, "Items")) {
                items.addObject().put("name", name).put("quantity", 1);
                count++;
            }
        }
        BigDecimal shippingTotal = money(p, "Shipping Rate") != null ? money(p, "Shipping Rate")
                : money(extra, "total_shipping");
        JsonNode shipping = extra.path("shipping_lines").isArray() ? extra.path("shipping_lines") : null;
        String message = text(p, "$attributed_message");
        String flow = text(p, "$attributed_flow");
        String orderId = text(p, "OrderId") != null ? text(p, "OrderId") : text(p, "$event_id");
        return new OrderRow(e.id(), orderId, e.datetime(), LocalDate.ofInstant(e.datetime(), zone), money(p, "$value"),
                text(p, "$currency_code"), items, count, e.profileId(), e.profile() == null ? null : e.profile().email(),
                text(p, "utm_source"), text(p, "utm_medium"), text(p, "utm_campaign"), texts(p, "Discount Codes"),
                money(p, "Total Discounts"), shipping, shippingTotal, texts(p, "Categories"), texts(p, "Brands"),
                message, text(p, "$attributed_channel"), flow,
                message == null || flow != null ? null : campaignOfMessage.get(message));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static BigDecimal money(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        try {
            return (v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim()))
                    .setScale(2, RoundingMode.HALF_UP);
        } catch (NumberFormatException ex) {
            return null; // a value that is no amount is left out rather than failing the day
        }
    }

    private static List<String> texts(JsonNode n, String field) {
        JsonNode v = n.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) return out;
        if (v.isArray()) v.forEach(x -> { if (!x.isNull()) out.add(x.asText()); });
        else out.add(v.asText());
        return out;
    }
}

package dev.ksync.sandbox.data;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shopify-like orders derived from an order seed: items, discounts, shipping, UTM parameters. */
public final class Orders {
    private Orders() {}

    /** sku, name, price, category, second category, brand */
    static final String[][] PRODUCTS = {
            {"NW-TEE-001", "Organic Cotton Tee", "28.00", "Apparel", "Tops", "Northwind"},
            {"NW-HOOD-002", "Harbor Fleece Hoodie", "74.00", "Apparel", "Outerwear", "Northwind"},
            {"NW-JKT-003", "Coastline Rain Jacket", "149.00", "Apparel", "Outerwear", "Northwind"},
            {"NW-CAP-004", "Trail Cap", "24.00", "Accessories", "Hats", "Northwind"},
            {"NW-BAG-005", "Canvas Weekender", "118.00", "Accessories", "Bags", "Northwind"},
            {"NW-SOCK-006", "Merino Hiking Socks (2-pack)", "22.00", "Apparel", "Socks", "Summit Co"},
            {"NW-BTL-007", "Insulated Bottle 750ml", "32.00", "Gear", "Hydration", "Summit Co"},
            {"NW-BNE-008", "Ribbed Beanie", "26.00", "Accessories", "Hats", "Northwind"},
            {"NW-PNT-009", "Stretch Chino", "68.00", "Apparel", "Bottoms", "Northwind"},
            {"NW-SHR-010", "Flannel Overshirt", "82.00", "Apparel", "Tops", "Timberline"},
            {"NW-GLV-011", "Wool Gloves", "35.00", "Accessories", "Gloves", "Timberline"},
            {"NW-LMP-012", "Camp Lantern", "45.00", "Gear", "Camping", "Summit Co"},
            {"NW-MUG-013", "Enamel Mug", "16.00", "Gear", "Camping", "Northwind"},
            {"NW-SCF-014", "Alpaca Scarf", "58.00", "Accessories", "Scarves", "Timberline"},
            {"NW-BOOT-015", "Ridge Hiking Boot", "189.00", "Footwear", "Boots", "Summit Co"},
            {"NW-SNDL-016", "Harbor Sandal", "54.00", "Footwear", "Sandals", "Northwind"}};
    static final String[][] DISCOUNTS = {{"WELCOME10", "0.10"}, {"VIP20", "0.20"}, {"FREESHIP", "0"}, {"SUMMER15", "0.15"}};

    public record Item(String productId, String sku, String name, int quantity, BigDecimal price, BigDecimal rowTotal,
                       List<String> categories, String brand) {}

    public record Order(String orderId, List<Item> items, String discountCode, BigDecimal discount, BigDecimal shipping,
                        BigDecimal value, String utmSource, String utmMedium, String utmCampaign) {}

    public static int itemCount(long orderSeed) {
        return 1 + Rng.below(Rng.hash(orderSeed, 1), 4);
    }

    public static Order order(long orderSeed, String attributedChannel, String attributedName) {
        int n = itemCount(orderSeed);
        List<Item> items = new ArrayList<>();
        BigDecimal subtotal = BigDecimal.ZERO;
        for (int k = 0; k < n; k++) {
            String[] p = PRODUCTS[Rng.below(Rng.hash(orderSeed, 10 + k), PRODUCTS.length)];
            int q = 1 + (Rng.unit(Rng.hash(orderSeed, 20 + k)) < 0.2 ? 1 : 0);
            BigDecimal price = new BigDecimal(p[2]);
            BigDecimal row = price.multiply(BigDecimal.valueOf(q));
            subtotal = subtotal.add(row);
            items.add(new Item(String.valueOf(7_400_000_000L + Math.abs(p[0].hashCode() % 100_000)), p[0], p[1], q, price, row,
                    List.of(p[3], p[4]), p[5]));
        }
        String code = null;
        BigDecimal discount = BigDecimal.ZERO;
        if (Rng.unit(Rng.hash(orderSeed, 2)) < 0.3) {
            String[] d = DISCOUNTS[Rng.below(Rng.hash(orderSeed, 3), DISCOUNTS.length)];
            code = d[0];
            discount = subtotal.multiply(new BigDecimal(d[1])).setScale(2, RoundingMode.HALF_UP);
        }
        BigDecimal shipping = subtotal.compareTo(new BigDecimal("75")) >= 0 || "FREESHIP".equals(code)
                ? new BigDecimal("0.00") : new BigDecimal("5.99");
        BigDecimal value = subtotal.subtract(discount).add(shipping).setScale(2, RoundingMode.HALF_UP);
        String orderId = String.valueOf(5_000_000_000_000L + Math.floorMod(Rng.hash(orderSeed, 4), 4_000_000_000_000L));
        String source, medium, campaign;
        if (attributedChannel != null) {
            source = "klaviyo";
            medium = attributedChannel;
            campaign = attributedName;
        } else {
            String[][] organic = {{"google", "cpc", "brand-search"}, {"facebook", "paid_social", "prospecting"},
                    {"instagram", "social", "bio-link"}, {null, null, null}};
            String[] o = organic[Rng.below(Rng.hash(orderSeed, 5), organic.length)];
            source = o[0];
            medium = o[1];
            campaign = o[2];
        }
        return new Order(orderId, List.copyOf(items), code, discount, shipping, value, source, medium, campaign);
    }

    static Map<String, Object> placedOrderProperties(Order o, String currency, String attributedMessage, String attributedFlow, String channel) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("$event_id", o.orderId());
        p.put("$value", o.value());
        p.put("$currency_code", currency);
        p.put("OrderId", o.orderId());
        p.put("Items", o.items().stream().map(Item::name).toList());
        p.put("ItemNames", o.items().stream().map(Item::name).toList());
        p.put("Categories", o.items().stream().flatMap(i -> i.categories().stream()).distinct().toList());
        p.put("Brands", o.items().stream().map(Item::brand).distinct().toList());
        p.put("Discount Codes", o.discountCode() == null ? List.of() : List.of(o.discountCode()));
        p.put("Total Discounts", o.discount());
        p.put("Shipping Rate", o.shipping());
        p.put("Source Name", "web");
        if (o.utmSource() != null) {
            p.put("utm_source", o.utmSource());
            p.put("utm_medium", o.utmMedium());
            p.put("utm_campaign", o.utmCampaign());
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Item i : o.items()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("product_id", i.productId());
            l.put("sku", i.sku());
            l.put("name", i.name());
            l.put("quantity", i.quantity());
            l.put("price", i.price());
            l.put("line_price", i.rowTotal());
            l.put("product_type", i.categories().get(0));
            l.put("vendor", i.brand());
            l.put("categories", i.categories());
            lines.add(l);
        }
        extra.put("line_items", lines);
        extra.put("discount_codes", o.discountCode() == null ? List.of()
                : List.of(ordered("code", o.discountCode(), "amount", o.discount(), "type", "percentage")));
        extra.put("shipping_lines", List.of(ordered("title", o.shipping().signum() == 0 ? "Free Shipping" : "Standard", "price", o.shipping())));
        extra.put("total_shipping", o.shipping());
        extra.put("landing_site", o.utmSource() == null ? "/" : "/?utm_source=" + o.utmSource() + "&utm_medium=" + o.utmMedium()
                + "&utm_campaign=" + o.utmCampaign().replace(' ', '+'));
        p.put("$extra", extra);
        if (attributedMessage != null) {
            p.put("$attributed_message", attributedMessage);
            if (attributedFlow != null) p.put("$attributed_flow", attributedFlow);
            p.put("$attributed_channel", channel);
        }
        return p;
    }

    /** A map that keeps its keys in the given order: Map.of's order changes from one JVM run to the next. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        return m;
    }

    static Map<String, Object> orderedProductProperties(Order o, int k, String attributedMessage, String attributedFlow, String channel) {
        Item i = o.items().get(Math.min(k, o.items().size() - 1));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("$event_id", o.orderId() + "-" + k);
        p.put("$value", i.rowTotal());
        p.put("OrderId", o.orderId());
        p.put("ProductID", i.productId());
        p.put("SKU", i.sku());
        p.put("ProductName", i.name());
        p.put("Quantity", i.quantity());
        p.put("Price", i.price());
        p.put("Categories", i.categories());
        p.put("ProductBrand", i.brand());
        if (attributedMessage != null) {
            p.put("$attributed_message", attributedMessage);
            if (attributedFlow != null) p.put("$attributed_flow", attributedFlow);
            p.put("$attributed_channel", channel);
        }
        return p;
    }
}

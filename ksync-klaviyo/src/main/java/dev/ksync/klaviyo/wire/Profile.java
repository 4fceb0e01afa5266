package dev.ksync.klaviyo.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A profile. {@code subscriptions} and {@code predictiveAnalytics} are null unless requested with
 * {@code additional-fields[profile]}; {@code properties} is the raw custom-properties object.
 */
public record Profile(String id, String email, String phoneNumber, String externalId, String firstName,
                      String lastName, String organization, String title, String locale, String image,
                      Instant created, Instant updated, Instant lastEventDate, Location location,
                      JsonNode properties, Subscriptions subscriptions, PredictiveAnalytics predictiveAnalytics,
                      JsonNode raw) {

    public record Location(String address1, String address2, String city, String region, String zip,
                           String country, Double latitude, Double longitude, String timezone, String ip) {
        static Location from(JsonNode l) {
            if (l == null || !l.isObject()) return null;
            return new Location(Nodes.text(l, "address1"), Nodes.text(l, "address2"), Nodes.text(l, "city"),
                    Nodes.text(l, "region"), Nodes.text(l, "zip"), Nodes.text(l, "country"),
                    Nodes.number(l, "latitude"), Nodes.number(l, "longitude"), Nodes.text(l, "timezone"),
                    Nodes.text(l, "ip"));
        }
    }

    public static Profile from(JsonNode r) {
        JsonNode a = r.path("attributes");
        return new Profile(Nodes.text(r, "id"), Nodes.text(a, "email"), Nodes.text(a, "phone_number"),
                Nodes.text(a, "external_id"), Nodes.text(a, "first_name"), Nodes.text(a, "last_name"),
                Nodes.text(a, "organization"), Nodes.text(a, "title"), Nodes.text(a, "locale"),
                Nodes.text(a, "image"), Nodes.time(a, "created"), Nodes.time(a, "updated"),
                Nodes.time(a, "last_event_date"), Location.from(Nodes.node(a, "location")),
                Nodes.node(a, "properties"), Subscriptions.from(Nodes.node(a, "subscriptions")),
                PredictiveAnalytics.from(Nodes.node(a, "predictive_analytics")), r);
    }
}

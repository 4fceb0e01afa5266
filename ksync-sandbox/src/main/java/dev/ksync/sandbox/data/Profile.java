package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One profile, derived from (seed, index) on demand. Nullable fields are null when unset. */
public record Profile(int index, String id, String email, String phoneNumber, String externalId, String firstName,
                      String lastName, String organization, String title, String locale, String image,
                      Instant created, Instant updated, Instant lastEventDate, Location location,
                      Map<String, Object> properties, EmailConsent emailMarketing, SmsConsent smsMarketing, Predictive predictive,
                      List<String> listIds, List<String> segmentIds) {

    public record Location(String address1, String address2, String city, String region, String country, String zip,
                           String timezone, Double latitude, Double longitude, String ip) {}

    public record Suppression(String reason, Instant timestamp) {}

    public record ListSuppression(String listId, String reason, Instant timestamp) {}

    /** consent: SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED. */
    public record EmailConsent(String consent, boolean canReceive, Instant consentTimestamp, Instant lastUpdated,
                               String method, String methodDetail, Boolean doubleOptin,
                               List<Suppression> suppression, List<ListSuppression> listSuppressions) {}

    public record SmsConsent(String consent, boolean canReceive, Instant consentTimestamp, Instant lastUpdated,
                             String method, String methodDetail) {}

    public record Predictive(Double historicClv, Double predictedClv, Double totalClv, Double historicOrders,
                             Double predictedOrders, Double averageDaysBetweenOrders, Double averageOrderValue,
                             Double churnProbability, Instant expectedDateOfNextOrder, List<String> rankedChannelAffinity) {}
}

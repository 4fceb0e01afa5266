package dev.ksync.sandbox.data;

import java.time.ZoneId;

/** The one Klaviyo account the sandbox simulates. */
public record Account(String id, String organizationName, ZoneId timezone, String currency, String publicApiKey,
                      String senderName, String senderEmail, String websiteUrl, String industry, String locale,
                      String address1, String city, String region, String country, String zip) {}

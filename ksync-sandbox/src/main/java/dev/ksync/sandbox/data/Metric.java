package dev.ksync.sandbox.data;

import java.time.Instant;

/** A metric (event type) with the integration that records it. */
public record Metric(String id, String name, Instant created, Instant updated,
                     String integrationId, String integrationKey, String integrationName, String integrationCategory) {}

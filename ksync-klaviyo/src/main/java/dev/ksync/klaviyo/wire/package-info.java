/** Typed records of Klaviyo's JSON:API resources; unknown fields ignored, raw JSON kept, datetimes parsed leniently. */
package dev.ksync.klaviyo.wire;

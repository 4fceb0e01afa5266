/** Per-account call budgets on Bucket4j: burst, steady and daily windows per endpoint tier, following Klaviyo's ratelimit-* headers; time is injected. */
package dev.ksync.klaviyo.budget;

/**
 * The Klaviyo API client: {@link dev.ksync.klaviyo.KlaviyoClient} for one account, built from a
 * {@link dev.ksync.klaviyo.KlaviyoClientConfig} and an {@link dev.ksync.klaviyo.ApiKey}.
 */
package dev.ksync.klaviyo;

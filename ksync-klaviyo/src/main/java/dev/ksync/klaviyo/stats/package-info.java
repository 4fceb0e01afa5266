/** Call accounting per endpoint (calls, 429s, retries, waits) as a serialisable snapshot and a listener for metrics bridges. */
package dev.ksync.klaviyo.stats;

/** The protocol once: headers, budgets, retries (429 Retry-After, 5xx and I/O backoff), error mapping and accounting over a pluggable transport. */
package dev.ksync.klaviyo.http;

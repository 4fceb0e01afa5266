/** Counters of what the sandbox served, per API key and operation (GET /__sandbox/stats). */
package dev.ksync.sandbox.stats;

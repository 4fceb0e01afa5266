/**
 * The Klaviyo simulator. Start one with {@link dev.ksync.sandbox.SandboxServer#start(SandboxOptions)}; read its
 * ground truth through {@link dev.ksync.sandbox.SandboxServer#data()}. Sub-packages by concept: {@code data}
 * (deterministic generation), {@code query} (Klaviyo's filter grammar and per-endpoint rules), {@code api}
 * (JSON:API documents and paging), {@code reports} (reports from the same events), {@code limits} (rate
 * limits), {@code faults}.
 */
package dev.ksync.sandbox;

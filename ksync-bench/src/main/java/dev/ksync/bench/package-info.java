/** Benchmarks: JMH micro-benchmarks and end-to-end runners. Not part of {@code verify}'s tests. */
package dev.ksync.bench;

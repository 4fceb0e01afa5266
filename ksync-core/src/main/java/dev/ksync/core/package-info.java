/** ksync-core. */
package dev.ksync.core;

/** ksync-sandbox. */
package dev.ksync.sandbox;

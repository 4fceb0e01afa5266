/** ksync-app. */
package dev.ksync.app;

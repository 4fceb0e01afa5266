/** ksync-klaviyo. */
package dev.ksync.klaviyo;

/** Lazy cursor paging with a per-page hook, and partitioned paging of time slices in parallel merged without duplicates. */
package dev.ksync.klaviyo.paging;

/**
 * Historical backfill (PRODUCT.md §7): campaigns, flows, their daily statistics and Placed Order events of an account
 * written day by day into PostgreSQL by a db-scheduler job, each day committed with its progress in one transaction.
 */
package dev.ksync.backfill;

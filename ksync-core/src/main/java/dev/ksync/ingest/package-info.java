/**
 * Raw incremental ingestion (PRODUCT.md §8): the runbook's datasources file drives loads of Klaviyo's raw records
 * into PostgreSQL tables, one schema per account, logged in {@code ingestion_log}. {@link dev.ksync.ingest.Ingestion}
 * is the entry point for the CLI, the HTTP route and scheduled runs.
 */
package dev.ksync.ingest;

/**
 * The shape every sync has: a {@link dev.ksync.sync.SyncJob} declares its name, file and columns and writes rows
 * to a {@link dev.ksync.sync.RowSink}; the {@link dev.ksync.sync.SyncRunner} owns what every job repeats (dry-run
 * or live, the object key, create-only atomic writes, call accounting, the summary log line, the deadline, error
 * translation) and answers a typed {@link dev.ksync.sync.SyncReport}.
 */
package dev.ksync.sync;

/**
 * flows.csv: a row per flow message per day with activity (or per window with aggregation range), from daily
 * series reports of ≤ 60 days with every statistic in one call and names from the report's groupings; flow status,
 * tags and draft messages from one flows listing with {@code include=flow-actions,tags}. A year of a whole account
 * is 7 report calls and 10 calls in all (FlowSyncTest).
 */
package dev.ksync.flows;

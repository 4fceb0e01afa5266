/** Reporting API and metric-aggregate requests and their typed results. */
package dev.ksync.klaviyo.report;

/**
 * What flows.csv and campaigns.csv share: Klaviyo report statistics mapped to CSV columns once
 * ({@link dev.ksync.reporting.Statistic}), account-timezone day windows, the conversion metric, and the report
 * plan checked against the row budget and the report quota before any report call.
 *
 * <table>
 *   <caption>Columns and the statistic each is read from</caption>
 *   <tr><th>column</th><th>Klaviyo statistic</th><th>written as</th></tr>
 *   <tr><td>Recipients (campaigns)</td><td>recipients</td><td>count</td></tr>
 *   <tr><td>Delivered</td><td>delivered</td><td>count</td></tr>
 *   <tr><td>Unique Opens</td><td>opens_unique</td><td>count</td></tr>
 *   <tr><td>Open Rate</td><td>open_rate</td><td>fraction, ≤ 6 decimals</td></tr>
 *   <tr><td>Unique Clicks</td><td>clicks_unique</td><td>count</td></tr>
 *   <tr><td>Click Rate</td><td>click_rate</td><td>fraction</td></tr>
 *   <tr><td>Placed Order</td><td>conversion_uniques</td><td>count</td></tr>
 *   <tr><td>Placed Order Rate</td><td>conversion_rate</td><td>fraction</td></tr>
 *   <tr><td>Revenue</td><td>conversion_value</td><td>money, 2 decimals</td></tr>
 *   <tr><td>Revenue per Recipient</td><td>revenue_per_recipient</td><td>money</td></tr>
 *   <tr><td>Unsubscribes (campaigns)</td><td>unsubscribe_uniques</td><td>count</td></tr>
 *   <tr><td>Unsub Rate</td><td>unsubscribe_rate</td><td>fraction</td></tr>
 *   <tr><td>Spam Complaints (campaigns)</td><td>spam_complaints</td><td>count</td></tr>
 *   <tr><td>Complaint Rate</td><td>spam_complaint_rate</td><td>fraction</td></tr>
 *   <tr><td>Bounces (campaigns)</td><td>bounced</td><td>count</td></tr>
 *   <tr><td>Bounce Rate</td><td>bounce_rate</td><td>fraction</td></tr>
 * </table>
 */
package dev.ksync.reporting;

/**
 * campaigns.csv: a row per message of each campaign of the channel sent in the window, from one values report by
 * campaign message (per year of window), the campaigns listing with messages and tags included, and the audiences'
 * names. A year is 1 report call and 7 calls in all (CampaignSyncTest).
 */
package dev.ksync.campaigns;

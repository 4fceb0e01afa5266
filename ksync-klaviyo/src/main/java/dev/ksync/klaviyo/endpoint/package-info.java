/** Klaviyo's operations as data: path, method, page-size bounds, rate tier, cursor style, filters and sorts (checked against stable.json by a test). */
package dev.ksync.klaviyo.endpoint;

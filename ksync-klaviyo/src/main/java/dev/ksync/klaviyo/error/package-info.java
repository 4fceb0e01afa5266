/** The sealed KlaviyoException hierarchy: Klaviyo's status, code and detail plus what to do, never the API key. */
package dev.ksync.klaviyo.error;

/** Per-account call budgets: burst, steady and daily fixed windows per endpoint tier counted in a BudgetStore (in memory, or PostgreSQL where windows must outlive a JVM), following Klaviyo's ratelimit-* headers; time is injected. */
package dev.ksync.klaviyo.budget;

package dev.ksync.accounts;

import org.jdbi.v3.core.Jdbi;

/** An account's backfill history written straight into the database, for tests of what removing it deletes. */
public final class BackfillRows {
    private BackfillRows() {}

    /** A completed 7-day backfill of {@code account} holding {@code orders} orders. */
    public static void completed(Jdbi jdbi, String account, int orders) {
        jdbi.useHandle(h -> {
            h.createUpdate("""
                    insert into backfill_status (account_id, status, years, include_orders, test_mode, timezone,
                        first_day, last_day, days_done, days_total, started_at, updated_at)
                    values (:a, 'completed', 1, true, true, 'UTC', date '2026-01-01', date '2026-01-07', 7, 7,
                        now(), now())""")
                    .bind("a", account).execute();
            for (int i = 0; i < orders; i++) {
                h.createUpdate("insert into backfill_orders (account_id, event_id, time, day)"
                        + " values (:a, :e, now(), current_date)")
                        .bind("a", account).bind("e", "evt-" + i).execute();
            }
        });
    }
}

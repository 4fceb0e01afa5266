package dev.ksync.schedule;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A cron expression read in UTC: the usual 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds
 * first. Invalid ones are refused when built, so a bad KSYNC_*_CRON fails at start-up, not at night.
 */
public record Cron(String expression) {
    public static final String ALLOWED = "a cron expression in UTC: 5 fields (minute hour day-of-month month"
            + " day-of-week, e.g. `5 3 * * *`) or 6 with seconds first";

    public Cron {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("empty cron expression");
        }
        expression = expression.trim().replaceAll("\\s+", " ");
        schedule(expression); // validates
    }

    private static CronSchedule schedule(String expression) {
        int fields = expression.split(" ").length;
        if (fields != 5 && fields != 6) {
            throw new IllegalArgumentException("a cron expression has 5 or 6 fields, not " + fields);
        }
        // cron-utils' own message names the faulty field; a cron expression is never a secret
        return new CronSchedule(expression, ZoneOffset.UTC, fields == 5 ? CronStyle.UNIX : CronStyle.SPRING53);
    }

    /** db-scheduler's schedule for this expression. */
    public CronSchedule schedule() {
        return schedule(expression);
    }

    /** The first time strictly after {@code after} that the expression names. */
    public Instant next(Instant after) {
        return schedule().getNextExecutionTime(ExecutionComplete.simulatedSuccess(after));
    }

    @Override
    public String toString() {
        return expression;
    }
}

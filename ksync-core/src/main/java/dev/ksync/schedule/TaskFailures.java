package dev.ksync.schedule;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import dev.ksync.error.KsyncException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line of a failed task execution, written by the task's failure handler (db-scheduler's own generic line
 * is at DEBUG, see {@link SchedulerNode}): which instance (for a nightly account run, {@code <account>/<day>}), which
 * attempt, the error and what happens next. An expected failure ({@link KsyncException}) is a WARN without a stack
 * trace; anything else is a bug and an ERROR with one.
 */
public final class TaskFailures {
    private static final Logger log = LoggerFactory.getLogger(TaskFailures.class);

    private TaskFailures() {}

    /** @param next what happens now, e.g. "retry at …" or "gives up: …" */
    public static void log(ExecutionComplete failed, String next) {
        log(failed, failed.getExecution().consecutiveFailures + 1, next);
    }

    /** @param attempt which attempt failed, when the task counts otherwise than db-scheduler's consecutive failures */
    public static void log(ExecutionComplete failed, int attempt, String next) {
        TaskInstance<?> instance = failed.getExecution().taskInstance;
        String subject = instance.getTaskName()
                + (instance.getId().equals(RecurringTask.INSTANCE) ? ""
                        : " " + instance.getId());
        Throwable cause = failed.getCause().orElse(null);
        if (cause instanceof KsyncException k) {
            log.warn("{} failed (attempt {}; {}): {}: {}", subject, attempt, next, k.code(), k.getMessage());
        } else {
            log.error("{} failed (attempt {}; {}) unexpectedly: {}", subject, attempt, next, cause, cause);
        }
    }

    /** Retries {@code delay} after each failure, logging it. */
    public static <T> FailureHandler<T> retryLater(Duration delay) {
        return (complete, ops) -> {
            Instant retry = complete.getTimeDone().plus(delay);
            log(complete, "retry at " + retry);
            ops.reschedule(complete, retry);
        };
    }

    /** A recurring task's failure: logged, and it waits for its next scheduled run (db-scheduler's default). */
    public static <T> FailureHandler<T> nextScheduledRun(Schedule schedule) {
        return (complete, ops) -> {
            Instant next = schedule.getNextExecutionTime(complete);
            log(complete, "next run at " + next);
            ops.reschedule(complete, next);
        };
    }
}

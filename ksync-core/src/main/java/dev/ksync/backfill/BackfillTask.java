package dev.ksync.backfill;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.ksync.accounts.AccountId;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-scheduler task of backfills: one instance per account, named by the account id. Its node's heartbeats keep
 * it; when they stop (a kill -9), another node revives it at once and it resumes at the status row's next_day.
 * An execution waiting for the report quota ends by rescheduling itself for the quota's reset.
 */
public final class BackfillTask {
    private static final Logger log = LoggerFactory.getLogger(BackfillTask.class);
    public static final String NAME = "backfill";
    /** An execution that failed outside a day (the database away) is tried again this much later. */
    static final Duration RETRY = Duration.ofMinutes(1);

    private final CustomTask<Void> task;

    /** @param work runs the account's backfill; returns when to run again, or null when done */
    BackfillTask(Function<AccountId, Instant> work) {
        this.task = Tasks.custom(NAME, Void.class)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY))
                .onDeadExecution(reviveNow())
                .execute((instance, ctx) -> {
                    Instant again = work.apply(new AccountId(instance.getId()));
                    return again == null ? new CompletionHandler.OnCompleteRemove<>()
                            : (complete, ops) -> ops.reschedule(complete, again);
                });
    }

    private static <T> DeadExecutionHandler<T> reviveNow() {
        return (complete, operations) -> {
            log.warn("Reviving backfill {} of a node that stopped beating", complete.getExecution().taskInstance);
            operations.reschedule(complete, complete.getTimeDone());
        };
    }

    public Task<Void> task() {
        return task;
    }

    TaskInstance<Void> instance(AccountId account) {
        return task.instance(account.value());
    }
}

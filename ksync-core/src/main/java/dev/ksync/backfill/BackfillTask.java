package dev.ksync.backfill;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.ksync.accounts.AccountId;
import dev.ksync.schedule.ScheduledTasks;
import dev.ksync.schedule.TaskFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The db-scheduler task of backfills: one instance per account, named by the account id. Its node's heartbeats keep
 * it; when they stop (a kill -9), another node revives it at once and it resumes at the status row's next_day.
 * An execution that has to wait (the report quota, Klaviyo unavailable) or that its node's shutdown stopped ends by
 * rescheduling itself for when it goes on, so the instance outlives the node.
 */
public final class BackfillTask {
    public static final String NAME = "backfill";
    /** An execution that failed outside a day (the database away) is tried again this much later. */
    static final Duration RETRY = Duration.ofMinutes(1);

    /** An account's backfill run in this thread: when to run again, or null when it is done. */
    @FunctionalInterface
    interface Work {
        /** @param stopping true once this node is shutting down: the work stops after its current day */
        Instant run(AccountId account, BooleanSupplier stopping);
    }

    private final CustomTask<Void> task;

    /** @param revived told of an execution revived after its node (named) stopped beating */
    BackfillTask(Work work, BiConsumer<AccountId, String> revived) {
        DeadExecutionHandler<Void> reviveNow = ScheduledTasks.reviveNow();
        this.task = Tasks.custom(NAME, Void.class)
                .onFailure(TaskFailures.retryLater(RETRY))
                .onDeadExecution((complete, ops) -> {
                    reviveNow.deadExecution(complete, ops); // throws when another node revived it first
                    revived.accept(new AccountId(complete.getExecution().taskInstance.getId()),
                            complete.getExecution().pickedBy);
                })
                .execute((instance, ctx) -> {
                    Instant again = work.run(new AccountId(instance.getId()), ctx.getSchedulerState()::isShuttingDown);
                    return again == null ? new CompletionHandler.OnCompleteRemove<>()
                            : (complete, ops) -> ops.reschedule(complete, again);
                });
    }

    public Task<Void> task() {
        return task;
    }

    TaskInstance<Void> instance(AccountId account) {
        return task.instance(account.value());
    }
}

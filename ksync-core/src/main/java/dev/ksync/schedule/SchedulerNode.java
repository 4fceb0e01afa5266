package dev.ksync.schedule;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.ksync.config.AppConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's share of the scheduled work: a db-scheduler on ksync's database that picks due task instances, at
 * most {@code threads} at a time, beside every other node on the same database. Stopping waits up to
 * {@link #SHUTDOWN_WAIT} for running work; what is still running then is left picked, and another node revives it once
 * this one's heartbeats have stopped for {@link AppConfig.ScheduleSettings#deadAfter()}.
 */
public final class SchedulerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerNode.class);
    /** db-scheduler waits this long, interrupts, then waits as long again: 20 s at most, beside the HTTP drain. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final Scheduler scheduler;
    private final String name;
    private boolean started;

    public SchedulerNode(DataSource dataSource, AppConfig.ScheduleSettings settings, ScheduledTasks tasks) {
        this(dataSource, settings, tasks, List.of());
    }

    /** @param more further on-demand tasks (the backfill's), beside the schedule's */
    public SchedulerNode(DataSource dataSource, AppConfig.ScheduleSettings settings, ScheduledTasks tasks,
                         List<Task<?>> more) {
        this.name = tasks.node();
        List<Task<?>> known = new ArrayList<>(tasks.onDemand());
        known.addAll(more);
        this.scheduler = Scheduler.create(dataSource, known)
                .startTasks(tasks.recurring())
                .threads(settings.threads())
                .heartbeatInterval(settings.heartbeat())
                .missedHeartbeatsLimit(AppConfig.ScheduleSettings.MISSED_HEARTBEATS)
                .pollingInterval(settings.pollInterval())
                .schedulerName(new SchedulerName.Fixed(name))
                .enableImmediateExecution() // an account the fan-out schedules on this node starts now, not at the next poll
                .shutdownMaxWait(SHUTDOWN_WAIT)
                // each task's failure handler logs one line naming the instance and what happens next (TaskFailures)
                .failureLogging(LogLevel.DEBUG, true)
                .build();
    }

    public synchronized void start() {
        if (!started) {
            scheduler.start();
            started = true;
            log.info("Scheduler {} started", name);
        }
    }

    /** Schedules work on the shared database (whether or not this node runs any). */
    public SchedulerClient client() {
        return scheduler;
    }

    public synchronized boolean started() {
        return started;
    }

    /** Graceful: no new work is picked, running work gets {@link #SHUTDOWN_WAIT} to finish. */
    @Override
    public synchronized void close() {
        if (started) {
            scheduler.stop();
            started = false;
            log.info("Scheduler {} stopped", name);
        }
    }

    /** A name for this process among the nodes: host and pid, so two nodes on one machine differ. */
    public static String localName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}

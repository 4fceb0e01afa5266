package dev.ksync.schedule;

import dev.ksync.config.AppConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * What {@code GET /api/schedules} shows, read from the database every node shares: each schedule's cron, next and last
 * run, the nightly account runs that wait or run now, and the latest day's nightly ledger.
 */
public final class ScheduleBoard {
    /** A built-in schedule. {@code lastOutcome} is "succeeded" or "failed". */
    public record Schedule(String name, Optional<Cron> cron, boolean enabled, Optional<Instant> nextRun,
                           Optional<Instant> lastRun, Optional<String> lastOutcome) {}

    /** A nightly account run that db-scheduler holds: due (pending) or picked by a node (running). */
    public record AccountRun(String accountId, LocalDate day, Instant due, Optional<String> node,
                             Optional<Instant> heartbeat, int failures) {}

    public record Board(List<Schedule> schedules, List<AccountRun> pending, List<AccountRun> running,
                        List<NightlyRuns.Run> latestNightly) {}

    private record Row(String task, String instance, Instant due, boolean picked, Optional<String> pickedBy,
                       Optional<Instant> lastSuccess, Optional<Instant> lastFailure, Optional<Instant> heartbeat,
                       int failures) {}

    private final Jdbi jdbi;
    private final AppConfig.ScheduleSettings settings;
    private final NightlyRuns ledger;
    private final Clock clock;

    public ScheduleBoard(Jdbi jdbi, AppConfig.ScheduleSettings settings, NightlyRuns ledger, Clock clock) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.ledger = ledger;
        this.clock = clock;
    }

    public Board read() {
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                        select task_name, task_instance, execution_time, picked, picked_by, last_success,
                               last_failure, last_heartbeat, consecutive_failures
                        from scheduled_tasks where task_name in (<names>)
                        order by task_name, execution_time, task_instance""")
                .bindList("names", List.of(ScheduledTasks.NIGHTLY, ScheduledTasks.CLEANUP, ScheduledTasks.INGEST,
                        ScheduledTasks.NIGHTLY_ACCOUNT))
                .map((rs, ctx) -> new Row(rs.getString("task_name"), rs.getString("task_instance"),
                        instant(rs.getObject("execution_time", OffsetDateTime.class)).orElseThrow(),
                        rs.getBoolean("picked"), Optional.ofNullable(rs.getString("picked_by")),
                        instant(rs.getObject("last_success", OffsetDateTime.class)),
                        instant(rs.getObject("last_failure", OffsetDateTime.class)),
                        instant(rs.getObject("last_heartbeat", OffsetDateTime.class)),
                        rs.getInt("consecutive_failures")))
                .list());
        Map<String, Row> recurring = rows.stream().filter(r -> !r.task().equals(ScheduledTasks.NIGHTLY_ACCOUNT))
                .collect(Collectors.toMap(Row::task, Function.identity(), (a, b) -> a));
        Instant now = clock.instant();
        List<Schedule> schedules = List.of(
                recurring(ScheduledTasks.NIGHTLY, settings.nightly(), recurring.get(ScheduledTasks.NIGHTLY), now),
                recurring(ScheduledTasks.CLEANUP, settings.cleanup(), recurring.get(ScheduledTasks.CLEANUP), now),
                settings.ingest().map(cron -> recurring(ScheduledTasks.INGEST, cron,
                        recurring.get(ScheduledTasks.INGEST), now))
                        .orElseGet(() -> new Schedule(ScheduledTasks.INGEST, Optional.empty(), false, Optional.empty(),
                                Optional.empty(), Optional.empty())));
        List<AccountRun> pending = new ArrayList<>();
        List<AccountRun> running = new ArrayList<>();
        for (Row r : rows) {
            if (r.task().equals(ScheduledTasks.NIGHTLY_ACCOUNT)) {
                int slash = r.instance().lastIndexOf('/');
                AccountRun run = new AccountRun(r.instance().substring(0, slash),
                        LocalDate.parse(r.instance().substring(slash + 1)), r.due(),
                        r.picked() ? r.pickedBy() : Optional.empty(), r.picked() ? r.heartbeat() : Optional.empty(),
                        r.failures());
                (r.picked() ? running : pending).add(run);
            }
        }
        return new Board(schedules, pending, running, ledger.latestDay());
    }

    /** Next run: the shared instance's due time, or (before any node has started a scheduler) the cron's next time. */
    private static Schedule recurring(String name, Cron cron, Row row, Instant now) {
        if (row == null) {
            return new Schedule(name, Optional.of(cron), true, Optional.of(cron.next(now)), Optional.empty(),
                    Optional.empty());
        }
        Optional<Instant> last = row.lastSuccess().isPresent() && row.lastFailure().isPresent()
                ? Optional.of(row.lastSuccess().get().isAfter(row.lastFailure().get()) ? row.lastSuccess().get()
                        : row.lastFailure().get())
                : row.lastSuccess().or(row::lastFailure);
        Optional<String> outcome = last.map(t -> t.equals(row.lastSuccess().orElse(null)) ? "succeeded" : "failed");
        return new Schedule(name, Optional.of(cron), true, Optional.of(row.due()), last, outcome);
    }

    private static Optional<Instant> instant(OffsetDateTime t) {
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }
}

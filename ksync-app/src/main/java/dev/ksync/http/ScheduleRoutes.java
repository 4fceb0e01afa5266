package dev.ksync.http;

import dev.ksync.schedule.NightlyRuns;
import dev.ksync.schedule.ScheduleBoard;
import dev.ksync.schedule.SchedulerNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/schedules} (admin secret): the built-in schedules with their cron (UTC), next and last run and its
 * outcome; the nightly account runs waiting or running now (on any node); the latest day's nightly runs.
 */
record ScheduleRoutes(ScheduleBoard board, SchedulerNode node, int threads) {

    void register(ApiRoutes routes) {
        routes.get("/api/schedules", Access.ADMIN, this::show);
    }

    record ScheduleView(String name, String cron, String timezone, boolean enabled, String nextRun, String lastRun,
                        String lastOutcome) {}

    record AccountRunView(String accountId, String day, String due, String node, String lastHeartbeat,
                          int consecutiveFailures) {}

    record NightlyRunView(String accountId, String day, String status, int attempts, String node, String scheduledAt,
                          String startedAt, String finishedAt, String error) {}

    record NodeView(boolean schedulerRunning, int threads) {}

    record NightlyView(List<AccountRunView> pending, List<AccountRunView> running, List<NightlyRunView> latestDay) {}

    record Answer(NodeView thisNode, List<ScheduleView> schedules, NightlyView nightly) {}

    private void show(Context ctx) {
        ScheduleBoard.Board b = board.read();
        ctx.json(new Answer(
                new NodeView(node.started(), threads),
                b.schedules().stream().map(s -> new ScheduleView(s.name(), s.cron().map(Object::toString).orElse(null),
                        "UTC", s.enabled(), text(s.nextRun()), text(s.lastRun()), s.lastOutcome().orElse(null))).toList(),
                new NightlyView(runs(b.pending()), runs(b.running()),
                        b.latestNightly().stream().map(ScheduleRoutes::run).toList())));
    }

    private static List<AccountRunView> runs(List<ScheduleBoard.AccountRun> runs) {
        return runs.stream().map(r -> new AccountRunView(r.accountId(), r.day().toString(), r.due().toString(),
                r.node().orElse(null), text(r.heartbeat()), r.failures())).toList();
    }

    private static NightlyRunView run(NightlyRuns.Run r) {
        return new NightlyRunView(r.accountId().value(), r.day().toString(), r.status().wireName(), r.attempts(),
                r.node().orElse(null), r.scheduledAt().toString(), text(r.startedAt()), text(r.finishedAt()),
                r.error().orElse(null));
    }

    private static String text(Optional<Instant> t) {
        return t.map(Instant::toString).orElse(null);
    }
}

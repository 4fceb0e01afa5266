package dev.ksync.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * For tests of a running scheduler: polls {@code GET /api/schedules} until a schedule's entry shows what the test
 * waits for, and keeps the log lines written meanwhile (from every thread) to look through.
 */
final class ScheduleWatch implements AutoCloseable {
    private static final ObjectMapper json = new ObjectMapper();
    private final TestServer server;
    private final String secret;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    ScheduleWatch(TestServer server, String secret) {
        this.server = server;
        this.secret = secret;
        logs.start();
        root().addAppender(logs);
    }

    /** The schedule's entry on the board once {@code until} holds for it, within 60 s. */
    JsonNode await(String schedule, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode board = json.readTree(server.get("/api/schedules", secret).body());
            for (JsonNode s : board.get("schedules")) {
                if (s.get("name").asText().equals(schedule) && until.test(s)) {
                    return s;
                }
            }
            assertThat(System.nanoTime()).as("the %s schedule as awaited within 60 s: %s", schedule, board)
                    .isLessThan(deadline);
            Thread.sleep(100); // polls for what the running scheduler brings about
        }
    }

    /** The entry once its last run's outcome is {@code outcome}. */
    JsonNode awaitOutcome(String schedule, String outcome) throws Exception {
        return await(schedule, s -> s.path("lastOutcome").asText().equals(outcome));
    }

    /** The formatted log lines so far, each with its exception's message. */
    List<String> lines() {
        synchronized (logs) { // the appender appends under this lock
            return logs.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        }
    }

    @Override
    public void close() {
        root().detachAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}

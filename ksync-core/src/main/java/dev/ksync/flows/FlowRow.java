package dev.ksync.flows;

import dev.ksync.reporting.Metrics;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/** One line of flows.csv: a flow message's statistics on one day (or over the window, Day being its first). */
public record FlowRow(LocalDate day, String flowId, String flowName, String messageId, String messageName,
                      String channel, String status, Metrics metrics, List<String> tags) {
    /** Day, then the IDs, so that the same data always gives the same file. */
    public static final Comparator<FlowRow> ORDER = Comparator.comparing(FlowRow::day)
            .thenComparing(FlowRow::flowId).thenComparing(FlowRow::messageId)
            .thenComparing(r -> r.channel() == null ? "" : r.channel());

    public FlowRow {
        tags = List.copyOf(tags);
    }
}

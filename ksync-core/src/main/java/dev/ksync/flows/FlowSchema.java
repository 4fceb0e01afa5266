package dev.ksync.flows;

import static dev.ksync.csv.CsvValues.text;

import dev.ksync.reporting.CsvColumns;
import dev.ksync.reporting.Statistic;
import java.util.List;

/** The columns of flows.csv, in their exact order, declared once. */
public final class FlowSchema {
    private FlowSchema() {}

    public static final CsvColumns<FlowRow> COLUMNS = CsvColumns.<FlowRow>builder()
            .col("Day", r -> r.day().toString())
            .col("Flow ID", r -> text(r.flowId()))
            .col("Flow Name", r -> text(r.flowName()))
            .col("Flow Message ID", r -> text(r.messageId()))
            .col("Flow Message Name", r -> text(r.messageName()))
            .col("Flow Message Channel", r -> text(r.channel()))
            .col("Status", r -> text(r.status()))
            .statistics(Statistic.FLOW_COLUMNS, FlowRow::metrics)
            .col("Tags", r -> String.join(";", r.tags()))
            .build();

    public static final List<String> HEADER = COLUMNS.headers();

    public static List<String> row(FlowRow r) {
        return COLUMNS.row(r);
    }
}

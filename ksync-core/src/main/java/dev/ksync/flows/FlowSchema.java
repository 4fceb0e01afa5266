package dev.ksync.flows;

import static dev.ksync.csv.CsvValues.text;

import dev.ksync.reporting.Statistic;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/** The columns of flows.csv, in their exact order, declared once: identity columns, the statistics, Tags. */
public final class FlowSchema {
    private FlowSchema() {}

    record Column(String header, Function<FlowRow, String> cell) {}

    private static final List<Column> COLUMNS = Stream.of(
            Stream.of(
                    new Column("Day", r -> r.day().toString()),
                    new Column("Flow ID", r -> text(r.flowId())),
                    new Column("Flow Name", r -> text(r.flowName())),
                    new Column("Flow Message ID", r -> text(r.messageId())),
                    new Column("Flow Message Name", r -> text(r.messageName())),
                    new Column("Flow Message Channel", r -> text(r.channel())),
                    new Column("Status", r -> text(r.status()))),
            Statistic.FLOW_COLUMNS.stream().map(s -> new Column(s.header(), r -> s.format(r.metrics().get(s)))),
            Stream.of(new Column("Tags", r -> String.join(";", r.tags()))))
            .flatMap(s -> s).toList();

    public static final List<String> HEADER = COLUMNS.stream().map(Column::header).toList();

    public static List<String> row(FlowRow r) {
        List<String> cells = new ArrayList<>(COLUMNS.size());
        for (Column c : COLUMNS) cells.add(c.cell().apply(r));
        return cells;
    }
}

package dev.ksync.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A CSV layout as data: ordered columns, each a header and how a row of type {@code R} fills its cell. */
public final class CsvColumns<R> {
    public record Column<R>(String header, Function<R, String> cell) {}

    private final List<Column<R>> columns;

    private CsvColumns(List<Column<R>> columns) {
        this.columns = List.copyOf(columns);
    }

    public static <R> Builder<R> builder() {
        return new Builder<>();
    }

    public List<String> headers() {
        return columns.stream().map(Column::header).toList();
    }

    public List<String> row(R r) {
        List<String> cells = new ArrayList<>(columns.size());
        for (Column<R> c : columns) cells.add(c.cell().apply(r));
        return cells;
    }

    public static final class Builder<R> {
        private final List<Column<R>> columns = new ArrayList<>();

        public Builder<R> col(String header, Function<R, String> cell) {
            columns.add(new Column<>(header, cell));
            return this;
        }

        /** A column per statistic, headed and formatted as {@link Statistic} says. */
        public Builder<R> statistics(List<Statistic> stats, Function<R, Metrics> metrics) {
            for (Statistic s : stats) col(s.header(), r -> s.format(metrics.apply(r).get(s)));
            return this;
        }

        public CsvColumns<R> build() {
            return new CsvColumns<>(columns);
        }
    }
}

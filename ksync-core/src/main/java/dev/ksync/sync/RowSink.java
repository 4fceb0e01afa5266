package dev.ksync.sync;

import java.util.List;

/** Where a job writes its rows, one list of cells per row, in the job's column order. */
public interface RowSink {
    void row(List<String> cells);

    /**
     * The rows of part {@code index} of a job that reads its data in parallel parts (e.g. time slices): the file
     * holds the rows given to {@link #row} first, then each part's rows in part order, whatever order they arrived
     * in, so a parallel run writes the same bytes every time. Parts are spooled to temporary files, not memory.
     */
    RowSink part(int index);
}

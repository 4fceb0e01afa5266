package dev.ksync.sync;

import dev.ksync.csv.CsvOut;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runner's sink: rows go to the CSV stream as they come; each part's rows are spooled to their own temporary
 * file and appended in part order at {@link #finish}, so memory stays flat and parallel reads give stable bytes.
 */
final class CsvRows implements RowSink, AutoCloseable {
    /** Slice spools in the temp folder: {@code ksync-part-…part}, swept by {@link SyncRunner#sweepSpools} after a crash. */
    static final String SPOOL_PREFIX = "ksync-part-";
    private final OutputStream out;
    private final CsvOut main;
    private final int previewLines;
    private final Runnable everyRow;
    private final Map<Integer, Part> parts = new TreeMap<>();
    private long rows;
    private List<String> preview;

    CsvRows(OutputStream out, List<String> header, int previewLines, Runnable everyRow) {
        this.out = out;
        this.main = new CsvOut(out, header, previewLines);
        this.previewLines = previewLines;
        this.everyRow = everyRow;
    }

    @Override
    public void row(List<String> cells) {
        everyRow.run();
        main.row(cells);
    }

    @Override
    public RowSink part(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("part index " + index + " < 0");
        }
        return parts.computeIfAbsent(index, i -> new Part());
    }

    /** Writes the parts after the direct rows and flushes; the stream stays open. */
    void finish() {
        main.finish();
        rows = main.rows();
        List<String> lines = new ArrayList<>(main.preview());
        try {
            for (Part p : parts.values()) {
                p.csv.finish();
                p.file.close();
                Files.copy(p.path, out);
                rows += p.csv.rows();
                for (String line : p.csv.preview()) {
                    if (lines.size() < previewLines) {
                        lines.add(line);
                    }
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        preview = List.copyOf(lines);
    }

    long rows() {
        return rows;
    }

    List<String> preview() {
        return preview;
    }

    @Override
    public void close() {
        for (Part p : parts.values()) {
            try {
                p.file.close();
                Files.deleteIfExists(p.path);
            } catch (IOException ignored) {
                // a temporary file we could not delete is only litter in the temp folder
            }
        }
    }

    private final class Part implements RowSink {
        final Path path;
        final OutputStream file;
        final CsvOut csv;

        Part() {
            try {
                path = Files.createTempFile(SPOOL_PREFIX, ".part");
                file = new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            csv = CsvOut.rowsOnly(file, previewLines);
        }

        @Override
        public void row(List<String> cells) {
            everyRow.run();
            csv.row(cells);
        }

        @Override
        public RowSink part(int index) {
            return CsvRows.this.part(index);
        }
    }
}

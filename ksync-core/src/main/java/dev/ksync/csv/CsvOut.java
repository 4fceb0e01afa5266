package dev.ksync.csv;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one CSV file as rows arrive (RFC 4180, CRLF, UTF-8): nothing is held but the first few lines, kept as a
 * preview. Does not close the underlying stream.
 */
public final class CsvOut {
    private final CsvWriter out;
    private final int previewLines;
    private final List<String> preview = new ArrayList<>();
    private long rows = -1; // the header is not a row

    public CsvOut(OutputStream stream, List<String> header, int previewLines) {
        this(stream, previewLines);
        row(header);
    }

    private CsvOut(OutputStream stream, int previewLines) {
        this.out = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(new KeepOpen(stream), StandardCharsets.UTF_8);
        this.previewLines = previewLines;
    }

    /** A writer of rows without a header line (a part of a file whose header is written elsewhere). */
    public static CsvOut rowsOnly(OutputStream stream, int previewLines) {
        CsvOut csv = new CsvOut(stream, previewLines);
        csv.rows = 0;
        return csv;
    }

    public void row(List<String> cells) {
        out.writeRecord(cells);
        rows++;
        if (preview.size() < previewLines) {
            StringWriter line = new StringWriter();
            try (CsvWriter w = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(line)) {
                w.writeRecord(cells);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            preview.add(line.toString().stripTrailing());
        }
    }

    /** Rows written after the header. */
    public long rows() {
        return rows;
    }

    /** The header and the first rows, one string per line, without line ends. */
    public List<String> preview() {
        return List.copyOf(preview);
    }

    /** Flushes what is buffered into the stream (which stays open). */
    public void finish() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

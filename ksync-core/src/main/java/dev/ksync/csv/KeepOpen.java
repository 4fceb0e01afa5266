package dev.ksync.csv;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Hands a writer library (FastCSV, POI) a stream it may close without closing the caller's: the caller owns the
 * response or file underneath and closes it itself.
 */
public final class KeepOpen extends FilterOutputStream {
    public KeepOpen(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}

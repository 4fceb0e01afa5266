package dev.ksync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ksync.app.Ksync;
import dev.ksync.sync.Format;
import dev.ksync.sync.Mode;
import dev.ksync.sync.SyncJob;
import dev.ksync.sync.SyncReport;
import dev.ksync.sync.SyncRequest;
import dev.ksync.sync.SyncRunner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * How a sync command hands over its work: a live run's answer or a dry-run's JSON on stdout; a dry-run CSV on
 * stdout or in {@code --out} (written beside it and moved into place, so the file is never half-written).
 */
final class SyncOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SyncOutput() {}

    static <R extends SyncRequest, D> void run(Ksync ksync, SyncJob<R, D> job, R req, Format format, String bucket,
            Path out, PrintStream stdout, Progress progress, Function<SyncReport<D>, ?> answer) throws IOException {
        SyncRunner runner = ksync.syncs();
        SyncRunner.Options options = SyncRunner.Options.progress(progress, progress::total);
        if (req.mode() == Mode.LIVE) {
            SyncReport<D> r = runner.live(job, req, bucket, options);
            progress.done();
            stdout.println(JSON.writeValueAsString(answer.apply(r)));
        } else if (format == Format.JSON) {
            SyncReport<D> r = runner.export(job, req, OutputStream.nullOutputStream(), options);
            progress.done();
            stdout.println(JSON.writeValueAsString(answer.apply(r)));
        } else if (out != null) {
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".ksync-", ".csv.part");
            SyncReport<D> r;
            try {
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                    r = runner.export(job, req, o, options);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            progress.done();
            System.err.println("wrote " + r.rows() + " rows to " + out);
        } else {
            OutputStream o = new BufferedOutputStream(stdout);
            runner.export(job, req, o, options);
            o.flush();
            progress.done();
        }
    }
}

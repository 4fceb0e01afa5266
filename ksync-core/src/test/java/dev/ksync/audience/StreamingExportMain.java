package dev.ksync.audience;

import java.io.OutputStream;
import java.nio.file.Files;

/**
 * Run in a child JVM with a small heap by {@link AudienceStreamingTest}: exports a large sandbox account and prints
 * "rows=N scanned=N" on success. Memory that grew with the row count would end it with OutOfMemoryError.
 */
public final class StreamingExportMain {
    public static void main(String[] args) throws Exception {
        int profiles = Integer.parseInt(args[0]);
        try (AudienceFixture fx = new AudienceFixture(profiles, Files.createTempDirectory("ksync-stream"))) {
            long[] bytes = {0};
            OutputStream counting = new OutputStream() {
                @Override
                public void write(int b) {
                    bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes[0] += len;
                }
            };
            AudienceResult r = fx.sync.export(AudienceRequests.parse("{'source':'klaviyo','schema':'required',"
                    + "'format':'csv'}"), counting);
            System.out.println("rows=" + r.rows() + " scanned=" + r.diagnostics().profilesScanned() + " bytes="
                    + bytes[0] + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }
}

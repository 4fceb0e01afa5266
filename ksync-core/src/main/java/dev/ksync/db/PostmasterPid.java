package dev.ksync.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL's {@code postmaster.pid} in a data directory: line 1 the pid, line 4 the port, line 8 the status
 * ("ready" once it accepts connections). The file outlives a killed server, so its pid may be dead or reused.
 */
record PostmasterPid(long pid, int port, String status) {

    static Path file(Path pgDir) {
        return pgDir.resolve("postmaster.pid");
    }

    static Optional<PostmasterPid> read(Path pgDir) {
        try {
            List<String> lines = Files.readAllLines(file(pgDir));
            if (lines.size() < 4) {
                return Optional.empty(); // being written
            }
            String status = lines.size() >= 8 ? lines.get(7).trim() : "";
            return Optional.of(new PostmasterPid(Long.parseLong(lines.get(0).trim()),
                    Integer.parseInt(lines.get(3).trim()), status));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    Optional<ProcessHandle> liveProcess() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    boolean ready() {
        return "ready".equals(status);
    }

    /**
     * True when the live process is a postmaster serving {@code pgDir}: its program is {@code postgres} and its
     * arguments say {@code -D pgDir}. A pid reused by any other program (or a postgres of another folder) is not.
     */
    static boolean isPostmasterOf(ProcessHandle process, Path pgDir) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
        String[] args = info.arguments().orElse(new String[0]);
        for (int i = 0; postgres && i + 1 < args.length; i++) {
            if (args[i].equals("-D") && samePath(Path.of(args[i + 1]), pgDir)) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}

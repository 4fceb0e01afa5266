package dev.ksync.cli;

import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

/** A {@code --port} option of the commands that listen: its range, and a busy port told as one clear line (exit 2). */
final class PortOption {
    private PortOption() {}

    /** {@code port}, or a bad-input error naming {@code --port} and the range. */
    static int checked(int port) {
        if (port < 0 || port > 65535) {
            throw KsyncException.badInput("--port", port, "a port from 1 to 65535, or 0 for any free port");
        }
        return port;
    }

    /** Whether something could listen on {@code port} now (0 always can). */
    static boolean isFree(int port) {
        if (port == 0) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @param choose how the user picks another port ({@code --port}, or {@code PORT or --port}) */
    static KsyncException inUse(int port, String choose) {
        return new KsyncException(ErrorKind.CONFLICT, "port_in_use", "Port " + port + " is already in use: stop what"
                + " listens there, or choose another with " + choose, Map.of("port", port));
    }
}

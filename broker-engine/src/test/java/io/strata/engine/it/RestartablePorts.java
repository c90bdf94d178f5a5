package io.strata.engine.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free listener ports for brokers that restart on the same port. While such a broker is down, its clients keep
 * reconnecting to the port; a port inside the kernel's ephemeral range can then be handed to one of those very
 * connects as its local port, and TCP connects the socket to itself (simultaneous open). The client reads its own
 * request back as the answer, and since the listener binds with SO_REUSEADDR the restarted broker starts anyway,
 * beside a client that no longer talks to it. A port below the ephemeral range is never a connect's local port.
 */
final class RestartablePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 50;

    private RestartablePorts() {
    }

    /** A port that was free a moment ago below the ephemeral range, or 0 (any free port) where that is unknown. */
    static int pick() {
        int ephemeralStart = ephemeralRangeStart();
        if (ephemeralStart <= LOWEST) {
            return 0;
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            if (isFree(port)) {
                return port;
            }
        }
        return 0;
    }

    private static int ephemeralRangeStart() {
        try {
            // one line read, not readString: procfs reports a size of 0 and readString then stops early
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return -1; // not Linux, or not readable
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

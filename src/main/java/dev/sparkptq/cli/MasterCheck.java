package dev.sparkptq.cli;

import dev.sparkptq.core.ConfigException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Fails fast, with one clear line, when a standalone master ({@code spark://host:port[,host:port]}) accepts no
 * connection — Spark itself would retry for a minute and then report it as an internal error.
 */
final class MasterCheck {
    static final int TIMEOUT_MILLIS = 3000;

    private MasterCheck() {
    }

    static void requireReachable(String master) {
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            int port = colon < 0 ? 7077 : parsePort(hostPort.substring(colon + 1), master);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
                return;
            } catch (IOException e) {
                // try the next master of the list
            }
        }
        throw new ConfigException("the Spark master " + master + " is unreachable (no connection within "
                + TIMEOUT_MILLIS / 1000 + " s); start it (see jobs/loopback-cluster.sh) or fix --master");
    }

    private static int parsePort(String text, String master) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException("--master " + master + " has no valid port; use spark://host:port");
        }
    }
}

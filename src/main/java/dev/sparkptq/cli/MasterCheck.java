package dev.sparkptq.cli;

import dev.sparkptq.core.ConfigException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Pattern;

/**
 * Fails fast, with one clear line, when a standalone master ({@code spark://host:port[,host:port]}) accepts no
 * connection — Spark itself would retry for a minute and then report it as an internal error.
 */
final class MasterCheck {
    static final int TIMEOUT_MILLIS = 3000;
    private static final Pattern WELL_FORMED = Pattern.compile(
            "local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?"
                    + "|local-cluster\\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*]"
                    + "|spark://[^/:,\\s]+(:[0-9]{1,5})?(,[^/:,\\s]+(:[0-9]{1,5})?)*"
                    + "|yarn|k8s://\\S+|mesos://\\S+");

    private MasterCheck() {
    }

    static void requireReachable(String master) {
        requireWellFormed(master);
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

    /**
     * Spark's own message for a master URL it cannot parse is an internal-error stack; the forms it accepts are
     * few, so they are checked here and the valid ones named.
     */
    static void requireWellFormed(String master) {
        if (master == null || WELL_FORMED.matcher(master).matches()) {
            return;
        }
        throw new ConfigException("--master " + master + " is not a Spark master URL; use local, local[N], local[*], "
                + "local[N,F] (F = task retries), spark://host:port[,host:port], yarn or k8s://https://host:port");
    }

    private static int parsePort(String text, String master) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException("--master " + master + " has no valid port; use spark://host:port");
        }
    }
}

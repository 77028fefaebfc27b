package dev.sparkptq.storage;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.util.VersionInfo;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reading files and listing folders wherever they are: a local {@link Location} through {@code java.nio}, any other
 * through Hadoop's {@code FileSystem}.
 *
 * <p>{@link #check} is what makes a bad URI fail in one line before any job: the scheme must be one Hadoop knows, its
 * connector must be on the classpath, and its host must answer — probed once per file system with a client that does
 * not retry (Hadoop's default IPC client retries a refused NameNode for ten seconds or more, and a black-holed host
 * for minutes). Missing files are the caller's to report (a config problem, a missing checkpoint…).
 *
 * <p>The Hadoop configuration is {@code new Configuration()} (core-site.xml and hdfs-site.xml from the classpath, as on
 * a cluster node) plus every {@code spark.hadoop.*} system property, which is how spark-submit passes
 * {@code --conf spark.hadoop.fs.s3a.endpoint=…} to the driver: the same settings Spark's own readers use.
 */
public final class Storage {
    private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();
    private static volatile Configuration conf;

    private Storage() {
    }

    /** The Hadoop configuration of the driver's file-system calls. */
    public static Configuration conf() {
        Configuration c = conf;
        if (c == null) {
            c = new Configuration();
            for (String key : System.getProperties().stringPropertyNames()) {
                if (key.startsWith("spark.hadoop.")) {
                    c.set(key.substring("spark.hadoop.".length()), System.getProperty(key));
                }
            }
            conf = c;
        }
        return c;
    }

    /**
     * Fails with one line unless {@code location}'s file system can be used: a known scheme whose connector is on the
     * classpath, on a host that answers. Local locations always pass.
     *
     * @param what what the location is, for the message (e.g. {@code "--output-dir"}, {@code "model.model"})
     * @throws ConfigException naming the scheme and the connector to add, or the host that does not answer
     */
    public static void check(Location location, String what) {
        if (location.isLocal()) {
            return;
        }
        requireConnector(location, what);
        if (REACHABLE.containsKey(location.fileSystem())) {
            return;
        }
        try (FileSystem probe = FileSystem.newInstance(location.uri(), Probe.conf(conf()))) {
            probe.getFileStatus(hadoop(location.parent()));
        } catch (FileNotFoundException e) {
            // reachable: whether the path exists is the caller's question
        } catch (IOException | RuntimeException e) {
            throw unreachable(location, what, e);
        }
        REACHABLE.put(location.fileSystem(), Boolean.TRUE);
    }

    private static void requireConnector(Location location, String what) {
        String scheme = location.scheme();
        try {
            FileSystem.getFileSystemClass(scheme, conf());
        } catch (UnsupportedFileSystemException e) {
            throw new ConfigException(what + " " + location + ": no file system for scheme '" + scheme + "'"
                    + remedy(scheme));
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new ConfigException(what + " " + location + ": the " + scheme + ":// file system is not on the "
                    + "classpath (" + rootMessage(e) + ")" + remedy(scheme));
        }
    }

    private static String remedy(String scheme) {
        String replaced = Connectors.replacement(scheme);
        if (replaced != null) {
            return "; Hadoop 3 reads that store as " + replaced + "://, write " + replaced + "://bucket/path";
        }
        String artifact = Connectors.artifact(scheme, VersionInfo.getVersion());
        if (artifact == null) {
            return ", which is not a file-system scheme Hadoop " + VersionInfo.getVersion() + " knows; use hdfs://, "
                    + "s3a://, gs://, abfs:// (with their connector) or a local path";
        }
        return "; add the connector " + artifact + " to the classpath (spark-submit --packages, or copy the jar "
                + "next to spark-ptq's in target/lib)";
    }

    private static ConfigException unreachable(Location location, String what, Throwable e) {
        Throwable root = rootCause(e);
        String why = root instanceof ConnectException ? "connection refused"
                : root instanceof UnknownHostException ? "unknown host"
                : root instanceof SocketTimeoutException ? "no answer" : rootMessage(e);
        return new ConfigException(what + " " + location + ": cannot reach the file system " + location.fileSystem()
                + " (" + why + "); check the host and port (for HDFS the NameNode's fs.defaultFS address) and that "
                + "it is running", e);
    }

    /** Whether the location exists (file or folder). */
    public static boolean exists(Location location) {
        if (location.isLocal()) {
            return Files.exists(location.path());
        }
        try {
            return fs(location).exists(hadoop(location));
        } catch (IOException e) {
            throw io(location, e);
        }
    }

    /** Whether the location is a regular file. */
    public static boolean isFile(Location location) {
        if (location.isLocal()) {
            return Files.isRegularFile(location.path());
        }
        FileStatus st = status(location);
        return st != null && st.isFile();
    }

    /** Whether the location is a folder. */
    public static boolean isDirectory(Location location) {
        if (location.isLocal()) {
            return Files.isDirectory(location.path());
        }
        FileStatus st = status(location);
        return st != null && st.isDirectory();
    }

    /** The status of a remote location, null when it does not exist. */
    private static FileStatus status(Location location) {
        try {
            return fs(location).getFileStatus(hadoop(location));
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw io(location, e);
        }
    }

    /** The regular files directly in folder {@code dir}, by name (metadata only: nothing is read). */
    public static List<Location> listFiles(Location dir) {
        try {
            List<Location> out = new ArrayList<>();
            if (dir.isLocal()) {
                try (var s = Files.list(dir.path())) {
                    s.filter(Files::isRegularFile).forEach(p -> out.add(Location.of(p)));
                }
            } else {
                for (FileStatus st : fs(dir).listStatus(hadoop(dir))) {
                    if (st.isFile()) {
                        out.add(dir.child(st.getPath().getName()));
                    }
                }
            }
            out.sort(Comparator.comparing(Location::name));
            return out;
        } catch (IOException e) {
            throw new DataException("cannot list folder " + dir + ": " + e.getMessage() + "; check that it is "
                    + "readable", e);
        }
    }

    /** A file of a folder listing: its name and size. */
    public record Entry(String name, long length) {
    }

    /**
     * The regular files directly in the remote folder {@code dir} that Spark's file sources read (names starting
     * with {@code _} or {@code .} are hidden from them), by name; metadata only.
     */
    public static List<Entry> listFileEntries(Location dir) {
        try {
            List<Entry> out = new ArrayList<>();
            for (FileStatus st : fs(dir).listStatus(hadoop(dir))) {
                String n = st.getPath().getName();
                if (st.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
                    out.add(new Entry(n, st.getLen()));
                }
            }
            out.sort(Comparator.comparing(Entry::name));
            return out;
        } catch (IOException e) {
            throw new DataException("cannot list folder " + dir + ": " + e.getMessage() + "; check that it is "
                    + "readable", e);
        }
    }

    /** Opens a file for reading. */
    public static InputStream open(Location file) throws IOException {
        return file.isLocal() ? Files.newInputStream(file.path()) : fs(file).open(hadoop(file));
    }

    /** The whole file (at most 2 GB). */
    public static byte[] readAllBytes(Location file) throws IOException {
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        }
    }

    /** Copies {@code file} to the local {@code target} (replaced when it exists). */
    public static void copyToLocal(Location file, Path target) throws IOException {
        try (InputStream in = open(file)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A local path of the small file {@code file}: itself when local, else a copy in {@code workDir} (same name).
     *
     * @param what how the user named it, for messages (e.g. {@code "--statistics"})
     * @throws ConfigException when it does not exist or cannot be read
     */
    public static Path localCopy(Location file, Path workDir, String what) {
        if (file.isLocal()) {
            return file.path();
        }
        check(file, what);
        try {
            Path dir = Files.createDirectories(workDir.resolve("inputs"));
            Path target = dir.resolve(file.name().isEmpty() ? "file" : file.name());
            copyToLocal(file, target);
            return target;
        } catch (FileNotFoundException e) {
            throw new ConfigException(what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** The Hadoop file system of a remote location (cached by Hadoop per scheme and authority). */
    static FileSystem fs(Location location) throws IOException {
        return FileSystem.get(location.uri(), conf());
    }

    /** The Hadoop path of a location. */
    static org.apache.hadoop.fs.Path hadoop(Location location) {
        return new org.apache.hadoop.fs.Path(location.uri());
    }

    static UncheckedIOException io(Location location, IOException e) {
        return new UncheckedIOException("cannot access " + location + ": " + e.getMessage(), e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = rootCause(e);
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Settings of the one-shot reachability probe: fail at once instead of retrying. */
    private static final class Probe {
        private Probe() {
        }

        static Configuration conf(Configuration base) {
            Configuration c = new Configuration(base);
            c.setInt("ipc.client.connect.max.retries", 0);
            c.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
            c.setInt("ipc.client.connect.timeout", 5_000);
            c.setBoolean("dfs.client.retry.policy.enabled", false);
            c.setInt("fs.s3a.attempts.maximum", 1);
            c.setInt("fs.s3a.retry.limit", 1);
            c.set("fs.s3a.connection.establish.timeout", "5s");
            return c;
        }
    }
}

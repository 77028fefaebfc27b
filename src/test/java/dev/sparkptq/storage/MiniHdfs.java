package dev.sparkptq.storage;

import dev.sparkptq.core.Location;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A real HDFS for tests: one NameNode and one DataNode inside the test JVM on 127.0.0.1 (Hadoop's
 * {@code MiniDFSCluster}, ~10 s to start), started on first use and shared by every test of the JVM, stopped when the
 * JVM exits. Each test works under a folder of its own ({@link #folder}).
 */
public final class MiniHdfs {
    private static MiniDFSCluster cluster;

    private MiniHdfs() {
    }

    /** {@code hdfs://127.0.0.1:<port>}, starting the cluster on first use. */
    public static synchronized String uri() {
        if (cluster == null) {
            cluster = start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.shutdown(true)));
        }
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    /** A new, empty folder of this cluster. */
    public static Location folder(String name) {
        Location dir = Location.parse(uri() + "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            fs().mkdirs(Storage.hadoop(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The cluster's file system (Hadoop's cached client). */
    public static FileSystem fs() throws IOException {
        return Storage.fs(Location.parse(uri() + "/"));
    }

    /** Copies a local file or folder tree into HDFS at {@code target}. */
    public static void put(Path local, Location target) throws IOException {
        fs().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), Storage.hadoop(target));
    }

    /**
     * A stand-alone HDFS for trying the command line against ({@code java -cp <test classpath>
     * dev.sparkptq.storage.MiniHdfs 9000}): runs until the process is killed; {@code put LOCAL URI} copies into it.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("put")) { // put LOCAL URI: copy a file or folder into a running HDFS
            Path local = Path.of(args[1]);
            Location target = Location.parse(args[2]);
            Storage.fs(target).copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()),
                    Storage.hadoop(target));
            System.out.println("copied " + local + " to " + target);
            return;
        }
        MiniDFSCluster c = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println("HDFS at hdfs://127.0.0.1:" + c.getNameNodePort() + " (data in "
                + System.getProperty("java.io.tmpdir") + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> c.shutdown(true)));
        Thread.currentThread().join();
    }

    private static MiniDFSCluster start(int port) {
        try {
            Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "minidfs-");
            Configuration conf = new Configuration();
            for (String key : new String[] {"dfs.namenode.http-address", "dfs.datanode.address",
                    "dfs.datanode.http.address", "dfs.datanode.ipc.address"}) {
                conf.set(key, "127.0.0.1:0");
            }
            conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
            conf.setBoolean("dfs.permissions.enabled", true);
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
            return new MiniDFSCluster.Builder(conf, new File(base.toString())).nameNodePort(port).numDataNodes(1)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test HDFS: " + e.getMessage(), e);
        }
    }
}

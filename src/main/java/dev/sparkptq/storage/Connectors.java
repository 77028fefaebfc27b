package dev.sparkptq.storage;

import java.util.Map;

/**
 * The Hadoop connector each well-known file-system scheme needs on the classpath, for error messages that say what
 * to add. Hadoop's own client (what Spark ships) reads {@code hdfs}, {@code webhdfs}, {@code viewfs} and
 * {@code file}; object stores need their connector jar.
 */
final class Connectors {
    private static final String HADOOP = "org.apache.hadoop:";
    private static final Map<String, String> ARTIFACTS = Map.ofEntries(
            Map.entry("s3a", HADOOP + "hadoop-aws:%s (with software.amazon.awssdk:bundle)"),
            Map.entry("gs", "com.google.cloud.bigdataoss:gcs-connector (its hadoop3 shaded jar)"),
            Map.entry("abfs", HADOOP + "hadoop-azure:%s"),
            Map.entry("abfss", HADOOP + "hadoop-azure:%s"),
            Map.entry("wasb", HADOOP + "hadoop-azure:%s"),
            Map.entry("wasbs", HADOOP + "hadoop-azure:%s"),
            Map.entry("adl", HADOOP + "hadoop-azure-datalake:%s"),
            Map.entry("oss", HADOOP + "hadoop-aliyun:%s"),
            Map.entry("cosn", HADOOP + "hadoop-cos:%s"),
            Map.entry("obs", HADOOP + "hadoop-huaweicloud:%s"),
            Map.entry("o3fs", "org.apache.ozone:ozone-filesystem-hadoop3"),
            Map.entry("ofs", "org.apache.ozone:ozone-filesystem-hadoop3"));
    /** Schemes of Hadoop 2 that Hadoop 3 dropped, and what replaced them. */
    private static final Map<String, String> RENAMED = Map.of("s3", "s3a", "s3n", "s3a");

    private Connectors() {
    }

    /** The Maven coordinates of the connector for {@code scheme}, or null when the scheme is not a known one. */
    static String artifact(String scheme, String hadoopVersion) {
        String a = ARTIFACTS.get(scheme);
        return a == null ? null : String.format(a, hadoopVersion);
    }

    /** The scheme that replaced {@code scheme} in Hadoop 3, or null. */
    static String replacement(String scheme) {
        return RENAMED.get(scheme);
    }

    /**
     * Object stores: a rename is a copy and a delete, not atomic, so outputs are written with one PUT per file
     * ({@link HadoopFolder#atomicRename}). HDFS, ViewFS, Ozone and local disks rename atomically.
     */
    static boolean isObjectStore(String scheme) {
        return switch (scheme) {
            case "s3a", "s3", "s3n", "gs", "wasb", "wasbs", "abfs", "abfss", "oss", "cosn", "obs" -> true;
            default -> false;
        };
    }
}

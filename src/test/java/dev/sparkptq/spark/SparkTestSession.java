package dev.sparkptq.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** One local[2] SparkSession per test JVM, configured exactly as production runs (Kryo, registration required). */
public final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized JavaSparkContext get() {
        if (session == null || session.sparkContext().isStopped()) {
            Path local = Path.of(System.getProperty("java.io.tmpdir"), "spark-test-local");
            session = SparkSession.builder().config(SparkSessions.conf("local[2]", local)).getOrCreate();
        }
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }
}

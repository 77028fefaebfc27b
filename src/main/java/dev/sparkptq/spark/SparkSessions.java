package dev.sparkptq.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** Builds the SparkSession every run uses: Kryo with required registration, quiet UI, local dirs in the run. */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** The settings spark-ptq needs whatever the master (also written to jobs/spark-defaults.conf). */
    public static SparkConf conf(String master, Path localDir) {
        SparkConf conf = new SparkConf()
                .setAppName("spark-ptq")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", PtqKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryoserializer.buffer.max", "2047m")
                .set("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.ui.enabled", "false");
        if (master != null) {
            conf.setMaster(master);
        }
        if (localDir != null) {
            conf.set("spark.local.dir", localDir.toString());
        }
        return conf;
    }

    /**
     * A session for Java-API users, who also run their own Spark SQL on it (schema inference, joins): spark-ptq's
     * settings, but Kryo does not require registration, because Spark SQL's own result classes are not registered.
     */
    public static SparkSession startForLibrary(String master) {
        SparkConf conf = conf(master, null).set("spark.kryo.registrationRequired", "false");
        conf.setIfMissing("spark.master", "local[*]");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** A session for {@code master} (null: whatever spark-submit configured, else {@code local[*]}). */
    public static SparkSession start(String master, Path localDir) {
        SparkConf conf = conf(master, localDir);
        conf.setIfMissing("spark.master", "local[*]");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}

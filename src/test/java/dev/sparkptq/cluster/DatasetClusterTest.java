package dev.sparkptq.cluster;

import dev.sparkptq.api.Algorithms;
import dev.sparkptq.api.Engine;
import dev.sparkptq.api.OnnxModel;
import dev.sparkptq.api.Pipeline;
import dev.sparkptq.api.TensorStatistics;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.graph.TinyModels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sparkptq.cluster.LoopbackClusterTest.freePort;
import static dev.sparkptq.cluster.LoopbackClusterTest.hasAppJar;
import static dev.sparkptq.cluster.LoopbackClusterTest.script;
import static dev.sparkptq.cluster.LoopbackClusterTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java API over a Spark {@code Dataset<Row>} on a real standalone cluster: this test JVM is the driver
 * ({@code Engine.spark("spark://...")}, the app jar shipped with {@code spark.jars}), the rows are read from Parquet by
 * the two executor JVMs, and the quantized model and the statistics equal those of the same calls on local[2].
 */
@Tag("cluster")
class DatasetClusterTest {
    private static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, true)});

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aParquetDatasetQuantizedOnTheClusterGivesTheLocalModelBytesAndStatistics(@TempDir Path tmp)
            throws Exception {
        Path project = Path.of(System.getProperty("sparkptq.project.dir", "")).toAbsolutePath();
        assertTrue(hasAppJar(project.resolve("target")),
                "no target/spark-ptq-*-spark-app.jar; run the cluster tests with 'mvn -B verify -Pcluster'");
        Path appJar;
        try (Stream<Path> s = Files.list(project.resolve("target"))) {
            appJar = s.filter(f -> f.getFileName().toString().matches("spark-ptq-.*-spark-app\\.jar")).findFirst()
                    .orElseThrow();
        }
        OnnxModel model = OnnxModel.of(TinyModels.convReluConv(), "tiny");
        Path parquet = tmp.resolve("rows.parquet");
        var algorithm = Algorithms.defaultQuantization().preset(Preset.MIXED).build();

        byte[] localModel;
        Map<String, TensorStatistics> localStats;
        try (Engine local = Engine.spark("local[2]")) {
            SparkSession session = SparkSession.active();
            session.createDataFrame(rows(64), SCHEMA).repartition(3).write().parquet(parquet.toString());
            Engine engine = local.withDataset(session.read().parquet(parquet.toString()));
            localModel = Pipeline.create(List.of(algorithm), engine).run(model).proto().toByteArray();
            localStats = engine.statistics(model, "r1", "y");
        }

        String master = "spark://127.0.0.1:" + freePort();
        Path state = tmp.resolve("cluster-state");
        var started = script(project, state, "start", "--workers", "2", "--port",
                master.substring(master.lastIndexOf(':') + 1));
        assertEquals(0, started.code(), "loopback-cluster.sh start failed:\n" + started.output());
        byte[] clusterModel;
        Map<String, TensorStatistics> clusterStats;
        String[] props = {"spark.jars", "spark.driver.host", "spark.executor.extraJavaOptions"};
        try {
            // SparkConf reads spark.* system properties: how a user's driver program passes them without spark-submit
            System.setProperty("spark.jars", appJar.toString());
            System.setProperty("spark.driver.host", "127.0.0.1");
            System.setProperty("spark.executor.extraJavaOptions", "-XX:TieredStopAtLevel=1 -Djava.io.tmpdir="
                    + Files.createDirectories(tmp.resolve("executor-tmp")));
            try (Engine cluster = Engine.spark(master)) {
                SparkSession session = SparkSession.active();
                assertEquals(master, session.sparkContext().master());
                Dataset<Row> rows = session.read().parquet(parquet.toString());
                Engine engine = cluster.withDataset(rows);
                clusterModel = Pipeline.create(List.of(algorithm), engine).run(model).proto().toByteArray();
                clusterStats = engine.statistics(model, "r1", "y");
                // the executors of both workers did the work (the driver only lists files and counts rows)
                assertEquals(2, session.sparkContext().statusTracker().getExecutorInfos().length - 1,
                        "two executors besides the driver");
            }
        } finally {
            for (String p : props) {
                System.clearProperty(p);
            }
            script(project, state, "stop");
        }
        assertTrue(localModel.length > 0);
        assertEquals(sha256(localModel), sha256(clusterModel),
                "the cluster's model differs from local[2]'s on the same Parquet rows");
        assertEquals(localStats, clusterStats);
        assertTrue(localStats.get("r1").min() >= 0 && localStats.get("r1").samples() == 64, localStats.toString());
        assertTrue(LoopbackClusterTest.logLines(state, "Running task").size() > 0
                        || LoopbackClusterTest.logLines(state, "Finished task").size() > 0,
                "the executors' logs show tasks");
    }

    /** {@code n} random 3×8×8 images with a label, made on the driver. */
    private static List<Row> rows(int n) {
        SplittableRandom r = new SplittableRandom(42);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * 8 * 8];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) (r.nextDouble() * 2 - 1);
            }
            rows.add(RowFactory.create(x, i % 2));
        }
        return rows;
    }
}

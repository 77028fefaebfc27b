package dev.sparkptq.cluster;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.cli.Main;
import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.spark.TestTables;
import dev.sparkptq.storage.MiniHdfs;
import dev.sparkptq.storage.Storage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sparkptq.cluster.LoopbackClusterTest.freePort;
import static dev.sparkptq.cluster.LoopbackClusterTest.hasAppJar;
import static dev.sparkptq.cluster.LoopbackClusterTest.script;
import static dev.sparkptq.cluster.LoopbackClusterTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code quantize} through spark-submit ({@code jobs/loopback-cluster.sh run}: a master, two workers, an executor on
 * each) with the model, a Parquet table of calibration samples and the output all in a real HDFS (a MiniDFSCluster in
 * this JVM, reached by the driver and executor JVMs over loopback): the same model (graph, weights, scales; the
 * provenance metadata aside, which names the paths) as an in-process local[2] run on the same table read from a local
 * folder.
 */
@Tag("cluster")
class HdfsClusterTest {
    private static final String CONFIG = """
            { "model": { "model_name": "tiny", "model": "tiny.onnx" },
              "engine": { "data_source": "table", "reader": { "type": "table", "format": "parquet" } },
              "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                 "params": { "preset": "mixed" } } ] } }""";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void modelTableAndOutputInHdfsGiveTheLocalModelThroughSparkSubmit(@TempDir Path tmp) throws Exception {
        Path project = Path.of(System.getProperty("sparkptq.project.dir", "")).toAbsolutePath();
        assertTrue(hasAppJar(project.resolve("target")),
                "no target/spark-ptq-*-spark-app.jar; run the cluster tests with 'mvn -B verify -Pcluster'");
        TinyRun t = TinyRun.create(tmp.resolve("run"), 48, 11);
        TestTables.writeSamples(t.samples, t.dir.resolve("table"), 3);
        Path config = Files.writeString(t.dir.resolve("table.json"), CONFIG);
        Location hdfs = MiniHdfs.folder("cluster");
        MiniHdfs.put(t.model, hdfs.child("tiny.onnx"));
        MiniHdfs.put(t.dir.resolve("table"), hdfs.child("calib.parquet"));
        Location out = hdfs.child("out");

        String master = "spark://127.0.0.1:" + freePort();
        long c0 = System.nanoTime();
        var run = script(project, tmp.resolve("cluster-state"), "run", "--workers", "2", "--port",
                master.substring(master.lastIndexOf(':') + 1), "--", "quantize", "-c", config.toString(),
                "--model", hdfs.child("tiny.onnx").toString(), "--data-source", hdfs.child("calib.parquet").toString(),
                "--output-dir", out.toString(), "--master", master);
        double clusterSeconds = (System.nanoTime() - c0) / 1e9;
        assertEquals(0, run.code(), "loopback-cluster.sh run failed; its output:\n" + run.output());
        assertTrue(run.output().contains("wrote " + out.child("model.onnx")), run.output());

        Path localOut = tmp.resolve("local");
        assertEquals(0, Main.run(List.of("quantize", "-c", config.toString(), "--output-dir", localOut.toString(),
                "--master", "local[2]"), System.out, System.err), "the local[2] run failed");
        System.out.printf("tiny model on a 48-row Parquet table in HDFS: 2-worker loopback cluster %.1f s (%s)%n",
                clusterSeconds, run.timings());

        byte[] cluster = Storage.readAllBytes(out.child("model.onnx"));
        byte[] local = Files.readAllBytes(localOut.resolve("model.onnx"));
        assertEquals(sha256(withoutProvenance(local)), sha256(withoutProvenance(cluster)),
                "the model written to HDFS by the cluster differs from the local run's (provenance aside)");
        String report = new String(Storage.readAllBytes(out.child("report.json")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(report.contains("\"" + hdfs.child("calib.parquet") + "\""), "report names the HDFS table");
        assertTrue(report.contains("(2 cores, 2 executors)"), "two executors read the table's rows");
        assertFalse(Storage.listFiles(out).stream().anyMatch(l -> l.name().startsWith(".spark-ptq")),
                "no staging left in HDFS");
    }

    /** The model without its metadata_props (config hash and paths differ between the two runs). */
    private static byte[] withoutProvenance(byte[] model) throws Exception {
        return OnnxMl.ModelProto.parseFrom(model).toBuilder().clearMetadataProps().build().toByteArray();
    }
}

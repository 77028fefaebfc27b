package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Location;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.spark.TestTables;
import dev.sparkptq.storage.MiniHdfs;
import dev.sparkptq.storage.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line with the model, a Parquet table of calibration samples and the outputs in a real HDFS (in this
 * JVM), against a local run on the same samples: the same model, nothing written locally.
 */
class HdfsQuantizeTest {
    @TempDir
    Path tmp;

    private static final String TABLE_CONFIG = """
            { "model": { "model_name": "tiny", "model": "tiny.onnx" },
              "engine": { "data_source": "table", "reader": { "type": "table", "format": "parquet" },
                          "metrics": [ { "type": "cosine_to_fp32" } ] },
              "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                 "params": { "preset": "mixed" } } ] } }""";

    @Test
    void aParquetTableAndModelInHdfsQuantizeToHdfsLikeALocalRun() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 12, 7);
        TestTables.writeSamples(t.samples, t.dir.resolve("table"), 3);
        Path config = Files.writeString(t.dir.resolve("table.json"), TABLE_CONFIG);
        Location hdfs = MiniHdfs.folder("quantize");
        MiniHdfs.put(t.model, hdfs.child("tiny.onnx"));
        MiniHdfs.put(t.dir.resolve("table"), hdfs.child("table"));
        MiniHdfs.put(config, hdfs.child("table.json"));

        CliErrorsTest.Run local = CliErrorsTest.cli("quantize", "-c", config.toString(), "--output-dir",
                tmp.resolve("local").toString(), "--master", "local[2]");
        assertEquals(0, local.code(), local.err());
        Location out = hdfs.child("out");
        // the config, and through it the model and the table, read from HDFS; relative paths resolve there
        CliErrorsTest.Run remote = CliErrorsTest.cli("quantize", "-c", hdfs.child("table.json").toString(),
                "--output-dir", out.toString(), "--master", "local[2]");
        assertEquals(0, remote.code(), remote.err());
        assertTrue(remote.out().contains("wrote " + out.child("model.onnx")), remote.out());
        assertArrayEquals(withoutProvenance(Files.readAllBytes(tmp.resolve("local/model.onnx"))),
                withoutProvenance(Storage.readAllBytes(out.child("model.onnx"))),
                "the HDFS run's model differs from the local run's on the same rows");
        assertEquals(List.of("model.onnx", "report.html", "report.json", "statistics.json"),
                Storage.listFiles(out).stream().map(Location::name).toList(), "no staging folder left");
        assertFalse(Files.exists(Path.of("hdfs:")), "nothing written to a local folder named after the scheme");

        CliErrorsTest.Run again = CliErrorsTest.cli("quantize", "-c", hdfs.child("table.json").toString(),
                "--output-dir", out.toString(), "--master", "local[2]");
        CliErrorsTest.assertOneLineError(again, 2, "--overwrite");
        CliErrorsTest.Run overwrite = CliErrorsTest.cli("quantize", "-c", config.toString(), "--model",
                hdfs.child("tiny.onnx").toString(), "--data-source", hdfs.child("table").toString(),
                "--output-dir", out.toString(), "--master", "local[2]", "--overwrite");
        assertEquals(0, overwrite.code(), overwrite.err());
    }

    /** The model without its metadata_props (config hash and paths differ between the two runs). */
    static byte[] withoutProvenance(byte[] model) throws Exception {
        return OnnxMl.ModelProto.parseFrom(model).toBuilder().clearMetadataProps().build().toByteArray();
    }
}

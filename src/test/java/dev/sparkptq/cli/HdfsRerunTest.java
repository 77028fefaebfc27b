package dev.sparkptq.cli;

import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.storage.MiniHdfs;
import dev.sparkptq.storage.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options that read an earlier run's files, given as URIs of a real HDFS (in this JVM): {@code --statistics}
 * reuses the statistics.json an HDFS run wrote, and {@code --resume} continues an accuracy-aware run (on a folder of
 * NPY samples in HDFS) from the checkpoint it keeps in its HDFS output folder.
 */
class HdfsRerunTest {
    @TempDir
    Path tmp;

    @Test
    void statisticsInHdfsAreReusedForTheSameModel() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 9, 3);
        Path config = Files.writeString(t.dir.resolve("tiny.json"), t.json(2, "mixed"));
        Location out = MiniHdfs.folder("statistics").child("first");
        CliErrorsTest.Run first = CliErrorsTest.cli("quantize", "-c", config.toString(), "--output-dir",
                out.toString(), "--master", "local[2]");
        assertEquals(0, first.code(), first.err());

        CliErrorsTest.Run again = CliErrorsTest.cli("quantize", "-c", config.toString(), "--statistics",
                out.child("statistics.json").toString(), "--output-dir", tmp.resolve("again").toString(),
                "--master", "local[2]");
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(HdfsQuantizeTest.withoutProvenance(Storage.readAllBytes(out.child("model.onnx"))),
                HdfsQuantizeTest.withoutProvenance(Files.readAllBytes(tmp.resolve("again/model.onnx"))),
                "the model from the reused HDFS statistics differs from the run that collected them");
        String report = Files.readString(tmp.resolve("again/report.json"));
        assertTrue(report.contains(out.child("statistics.json").toString()), "the report names the reused file");

        CliErrorsTest.Run missing = CliErrorsTest.cli("quantize", "-c", config.toString(), "--statistics",
                out.child("nope.json").toString(), "--output-dir", tmp.resolve("missing").toString());
        CliErrorsTest.assertOneLineError(missing, 2, "does not exist");
    }

    @Test
    void anAccuracyAwareRunResumesFromItsCheckpointInHdfs() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 12, 4);
        Path config = Files.writeString(t.dir.resolve("aaq.json"), t.json(2, "performance")
                .replace("\"DefaultQuantization\"", "\"AccuracyAwareQuantization\"")
                .replace("\"preset\": \"performance\"", "\"preset\": \"performance\", \"maximal_drop\": 0"));
        Location hdfs = MiniHdfs.folder("resume");
        MiniHdfs.put(t.data, hdfs.child("data")); // ranking tasks read single sample files from HDFS
        Location out = hdfs.child("aaq");
        CliErrorsTest.Run first = CliErrorsTest.cli("quantize", "-c", config.toString(), "--data-source",
                hdfs.child("data").toString(), "--output-dir", out.toString(), "--master", "local[2]");
        assertTrue(first.code() == 0 || first.code() == 5, first.err());
        assertTrue(Storage.exists(out.child("aaq-checkpoint.json")), "the checkpoint is kept in HDFS");
        var rankings = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Storage.readAllBytes(
                out.child("report.json"))).findValue("rankings");
        assertTrue(rankings != null && rankings.size() > 0, "no drop allowed: the search ranked ops over the "
                + "HDFS samples: " + rankings);
        byte[] model = HdfsQuantizeTest.withoutProvenance(Storage.readAllBytes(out.child("model.onnx")));

        CliErrorsTest.Run resumed = CliErrorsTest.cli("quantize", "-c", config.toString(), "--data-source",
                hdfs.child("data").toString(), "--resume", out.toString(), "--master", "local[2]");
        assertEquals(first.code(), resumed.code(), resumed.err());
        assertArrayEquals(model, HdfsQuantizeTest.withoutProvenance(Storage.readAllBytes(out.child("model.onnx"))),
                "the resumed run's model differs from the model of the run it continues");

        CliErrorsTest.Run noCheckpoint = CliErrorsTest.cli("quantize", "-c", config.toString(), "--resume",
                MiniHdfs.folder("resume-empty").toString());
        CliErrorsTest.assertOneLineError(noCheckpoint, 2, "aaq-checkpoint.json");
    }
}

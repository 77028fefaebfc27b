package dev.sparkptq.cli;

import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.storage.MiniHdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Folders of NPY files and of JSON arrays in a real HDFS (in this JVM), read by the executors through Spark's
 * binaryFile source, give the statistics and the model of the same folders read locally.
 */
class HdfsSampleFilesTest {
    @TempDir
    Path tmp;

    @Test
    void anNpyFolderInHdfsGivesTheStatisticsAndModelOfTheLocalFolder() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 10, 5);
        Path config = Files.writeString(t.dir.resolve("npy.json"), t.json(3, "mixed"));
        Location hdfs = MiniHdfs.folder("npy");
        MiniHdfs.put(t.data, hdfs.child("data"));
        assertSameRun(config, hdfs.child("data"), 10);
    }

    @Test
    void aJsonArrayFolderInHdfsGivesTheStatisticsAndModelOfTheLocalFolder() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 11, 9);
        Path json = Files.createDirectories(t.dir.resolve("json"));
        // 11 samples in files of 4, 4 and 3: ids a.json#0..3, b.json#0..3, c.json#0..2 on both sides
        int[] sizes = {4, 4, 3};
        for (int f = 0, s = 0; f < sizes.length; s += sizes[f], f++) {
            StringBuilder numbers = new StringBuilder();
            for (int k = s; k < s + sizes[f]; k++) {
                numbers.append(numbers.isEmpty() ? "" : ",").append(join(t.samples[k]));
            }
            Files.writeString(json.resolve((char) ('a' + f) + ".json"), "{\"data\": [" + numbers + "]}");
        }
        Files.writeString(json.resolve("notes.txt"), "not a sample file: skipped in both");
        Path config = Files.writeString(t.dir.resolve("json.json"), t.json(2, "mixed")
                .replace("\"data_source\": \"data\"", "\"data_source\": \"json\"")
                .replace("\"type\": \"npy\"", "\"type\": \"json\""));
        Location hdfs = MiniHdfs.folder("json");
        MiniHdfs.put(json, hdfs.child("json"));
        assertSameRun(config, hdfs.child("json"), 11);
    }

    private void assertSameRun(Path config, Location remoteData, int samples) throws Exception {
        CliErrorsTest.Run local = CliErrorsTest.cli("quantize", "-c", config.toString(), "--output-dir",
                tmp.resolve("local").toString(), "--master", "local[2]", "--evaluate");
        assertEquals(0, local.code(), local.err());
        CliErrorsTest.Run remote = CliErrorsTest.cli("quantize", "-c", config.toString(), "--data-source",
                remoteData.toString(), "--output-dir", tmp.resolve("remote").toString(), "--master", "local[2]",
                "--evaluate");
        assertEquals(0, remote.code(), remote.err());

        StatisticsCache.Content a = StatisticsCache.read(tmp.resolve("local/statistics.json"));
        StatisticsCache.Content b = StatisticsCache.read(tmp.resolve("remote/statistics.json"));
        assertEquals(samples, a.samples());
        assertEquals(a.samples(), b.samples());
        assertEquals(a.statistics(), b.statistics(), "statistics of the HDFS folder differ from the local folder's");
        assertTrue(b.dataSource().startsWith("hdfs://"), b.dataSource());
        assertArrayEquals(HdfsQuantizeTest.withoutProvenance(Files.readAllBytes(tmp.resolve("local/model.onnx"))),
                HdfsQuantizeTest.withoutProvenance(Files.readAllBytes(tmp.resolve("remote/model.onnx"))),
                "the model calibrated on the HDFS folder differs from the local folder's");
    }

    private static String join(float[] values) {
        return Arrays.stream(box(values)).map(v -> String.format(Locale.ROOT, "%.9g", v))
                .collect(Collectors.joining(","));
    }

    private static Float[] box(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}

package dev.sparkptq.cli;

import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.storage.MiniHdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of JPEGs in HDFS, read by the executors through Spark's binaryFile source with the image reader, gives the
 * statistics of the same folder read locally: a subset of the ImageNet sample in ../shared, a tiny model fed 8×8
 * crops (ImageNet's preprocessing, labels from the file names' wnids).
 */
class HdfsImagesTest {
    private static final Path IMAGENET = Path.of(System.getProperty("sparkptq.shared.dir", "../shared"))
            .resolve("data/imagenet-sample");
    private static final Path WNIDS = IMAGENET.resolveSibling("imagenet-wnids.txt");

    @TempDir
    Path tmp;

    @Test
    void anImageFolderInHdfsGivesTheStatisticsOfTheLocalFolder() throws Exception {
        assertTrue(Files.isDirectory(IMAGENET), "the ImageNet sample is missing: " + IMAGENET.toAbsolutePath());
        TinyRun t = TinyRun.create(tmp.resolve("run"), 1, 1);
        Path images = Files.createDirectories(tmp.resolve("images"));
        try (Stream<Path> s = Files.list(IMAGENET)) {
            for (Path p : s.sorted().limit(16).toList()) {
                Files.copy(p, images.resolve(p.getFileName()));
            }
        }
        Files.writeString(images.resolve("notes.txt"), "not an image: skipped in both");
        Path config = Files.writeString(t.dir.resolve("images.json"), """
                { "model": { "model": "tiny.onnx" },
                  "engine": { "data_source": "%s", "num_partitions": 3,
                              "reader": { "type": "image", "resize_shorter": 10, "center_crop": 8, "scale": 255,
                                          "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                                          "labels": { "from": "filename_prefix", "index_file": "%s" } } },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                     "params": { "preset": "mixed" } } ] } }"""
                .formatted(images, WNIDS.toAbsolutePath()));
        Location hdfs = MiniHdfs.folder("images");
        MiniHdfs.put(images, hdfs.child("imagenet"));

        CliErrorsTest.Run local = CliErrorsTest.cli("quantize", "-c", config.toString(), "--output-dir",
                tmp.resolve("local").toString(), "--master", "local[2]", "--evaluate");
        assertEquals(0, local.code(), local.err());
        CliErrorsTest.Run remote = CliErrorsTest.cli("quantize", "-c", config.toString(), "--data-source",
                hdfs.child("imagenet").toString(), "--output-dir", tmp.resolve("remote").toString(), "--master",
                "local[2]", "--evaluate");
        assertEquals(0, remote.code(), remote.err());

        StatisticsCache.Content a = StatisticsCache.read(tmp.resolve("local/statistics.json"));
        StatisticsCache.Content b = StatisticsCache.read(tmp.resolve("remote/statistics.json"));
        assertEquals(16, a.samples());
        assertEquals(a.samples(), b.samples());
        assertEquals(a.statistics(), b.statistics(), "statistics of the HDFS folder differ from the local folder's");
        assertTrue(b.dataSource().startsWith("hdfs://"), b.dataSource());
        // labels came from the file names on the driver: accuracy is computed on both, alike
        String localReport = Files.readString(tmp.resolve("local/report.json"));
        String remoteReport = Files.readString(tmp.resolve("remote/report.json"));
        assertTrue(metrics(localReport).get(0).contains("top1"), localReport);
        assertEquals(metrics(localReport), metrics(remoteReport));
    }

    private static List<String> metrics(String report) throws Exception {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report).path("metrics");
        return List.of(tree.path("fp32").toString(), tree.path("quantized").toString());
    }
}

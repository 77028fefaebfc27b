package dev.sparkptq.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths and URIs: a scheme is never a local folder, relative text resolves on its base's file system. */
class LocationTest {
    @Test
    void aSchemeMakesAUriNeverALocalRelativePath() {
        Location l = Location.parse("hdfs://127.0.0.1:9000/calib/");
        assertFalse(l.isLocal());
        assertEquals("hdfs", l.scheme());
        assertEquals("hdfs://127.0.0.1:9000/calib", l.toString());
        assertEquals("hdfs://127.0.0.1:9000", l.fileSystem());
        assertEquals("calib", l.name());
        assertThrows(ConfigException.class, l::path);
        assertEquals("s3a://b/x", Location.parse("S3A://b/x").toString());
    }

    @Test
    void plainPathsAndFileUrisAreLocalAndAbsolute() {
        Path cwd = Path.of("").toAbsolutePath();
        assertEquals(Location.of(cwd.resolve("data")), Location.parse("data"));
        assertEquals(Location.of(Path.of("/data/x")), Location.parse("file:///data/x"));
        assertEquals(Location.of(Path.of("/data/x")), Location.parse("/data/./y/../x"));
        assertTrue(Location.parse("C:\\data").isLocal(), "one letter is a drive, not a scheme");
        assertFalse(Location.hasScheme("file:///x"));
        assertTrue(Location.hasScheme("gs://b/x"));
    }

    @Test
    void relativeTextResolvesOnTheBasesFileSystem() {
        Location conf = Location.parse("hdfs://nn:8020/ptq/conf");
        assertEquals("hdfs://nn:8020/ptq/models/m.onnx", conf.resolve("../models/m.onnx").toString());
        assertEquals("hdfs://nn:8020/ptq/conf/a b.txt", conf.resolve("a b.txt").toString());
        assertEquals("s3a://bucket/x", conf.resolve("s3a://bucket/x").toString(), "a URI stands for itself");
        assertEquals(Location.of(Path.of("/abs/x")), conf.resolve("/abs/x"), "an absolute path stays local");
        assertEquals("hdfs://nn:8020/ptq", conf.parent().toString());
        assertEquals("hdfs://nn:8020/", Location.parse("hdfs://nn:8020/x").parent().toString());
        assertEquals("hdfs://nn:8020/ptq/conf/.spark-ptq-new-1/model.onnx",
                conf.resolve(".spark-ptq-new-1/model.onnx").toString());
        assertEquals("/ptq/conf/a%20b.txt", conf.child("a b.txt").uri().getRawPath());
    }

    @Test
    void malformedUrisAreConfigErrors() {
        assertThrows(ConfigException.class, () -> Location.parse("hdfs:/no-authority"));
        assertThrows(ConfigException.class, () -> Location.parse("hdfs://nn/../x"));
        assertThrows(ConfigException.class, () -> Location.parse("hdfs://nn/x?query"));
    }
}

package dev.sparkptq.config;

import dev.sparkptq.core.Location;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** URIs in configs and overrides: kept as URIs, relative paths resolved on the config's file system. */
class ConfigUriTest extends ConfigTestBase {
    private static final String TABLE = """
            { "model": { "model": "models/m.onnx" },
              "engine": { "data_source": "tables/calib", "reader": { "type": "table", "format": "orc" } } }""";

    @Test
    void aConfigReadFromHdfsResolvesItsRelativePathsThere() {
        PtqConfig c = ConfigLoader.fromText(TABLE, Location.parse("hdfs://nn:8020/ptq/conf.json"),
                ConfigOverrides.none(), FileChecks.CHECK);
        assertEquals("hdfs://nn:8020/ptq/models/m.onnx", c.model().source().toString());
        assertEquals("m", c.model().modelName());
        assertEquals("hdfs://nn:8020/ptq/tables/calib", c.engine().data().toString());
        TableReaderSpec r = assertInstanceOf(TableReaderSpec.class, c.engine().reader());
        assertEquals(TableReaderSpec.Format.ORC, r.format());
        assertEquals("hdfs://nn:8020/ptq/tables/calib", c.engine().dataName());
    }

    @Test
    void uriOverridesReplaceLocalPathsAndChangeTheHash() {
        String json = ConfigFixture.withEngine("");
        PtqConfig local = ConfigLoader.fromJson(json, tmp, ConfigOverrides.none(), FileChecks.SKIP);
        PtqConfig remote = ConfigLoader.fromJson(json, tmp, new ConfigOverrides(
                Location.parse("s3a://bucket/m.onnx"), Location.parse("gs://bucket/calib"), null, null),
                FileChecks.CHECK);
        assertEquals("s3a://bucket/m.onnx", remote.model().source().toString());
        assertEquals("gs://bucket/calib", remote.engine().data().toString());
        assertTrue(!local.sha256().equals(remote.sha256()));
    }

    @Test
    void aLocalPathHashesAsBefore() {
        PtqConfig c = ConfigLoader.fromJson(ConfigFixture.withEngine(""), tmp, ConfigOverrides.none(),
                FileChecks.SKIP);
        assertTrue(CanonicalConfig.toJson(c.model(), c.engine(), c.compression())
                .contains("\"source\":\"" + c.model().model() + "\""));
    }

    @Test
    void aTokenizerUriStaysAUriButAnNpyLabelsFileUriIsAProblemNotALocalPath() {
        PtqConfig c = ConfigLoader.fromJson("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "t.txt",
                              "reader": { "type": "text", "tokenizer": "hdfs://nn/tok/tokenizer.json" } } }""",
                tmp, ConfigOverrides.none(), FileChecks.SKIP);
        assertEquals(Location.parse("hdfs://nn/tok/tokenizer.json"),
                ((TextReaderSpec) c.engine().reader()).tokenizer());
        String message = fx.problems("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "rows.npy",
                              "reader": { "type": "npy", "batch_axis": true,
                                          "labels": { "from": "npy_file", "file": "hdfs://nn/l.npy" } } } }""",
                ConfigOverrides.none());
        assertTrue(message.contains("engine.reader.labels.file: hdfs://nn/l.npy is on a hdfs:// file system"),
                message);
    }

    @Test
    void aCatalogTableReplacesTheDataSource() {
        PtqConfig c = ConfigLoader.fromJson("""
                { "model": { "model": "m.onnx" },
                  "engine": { "reader": { "type": "table", "table": "ptq.calib", "eval_table": "ptq.val",
                                          "annotation_column": "digit" } } }""", tmp, ConfigOverrides.none(),
                FileChecks.SKIP);
        assertNull(c.engine().data());
        assertEquals("table ptq.calib", c.engine().dataName());
        assertEquals("table ptq.val", c.engine().evaluationDataName());
        assertEquals("ptq.val", ((TableReaderSpec) c.engine().evaluationReader()).table());
        assertEquals("top1", c.engine().metrics().get(0).name(), "an annotation column means labels");
        String message = fx.problems("""
                { "model": { "model": "m.onnx" },
                  "engine": { "data_source": "x", "reader": { "type": "table", "table": "ptq.calib" } } }""",
                ConfigOverrides.none());
        assertTrue(message.contains("engine.data_source: the table reader names a catalog table"), message);
    }

    @Test
    void localOverridesStillWork() {
        PtqConfig c = ConfigLoader.fromJson(ConfigFixture.withEngine(""), tmp,
                new ConfigOverrides(Path.of("x.onnx"), null, null, null), FileChecks.SKIP);
        assertEquals(Path.of("x.onnx").toAbsolutePath(), c.model().model());
    }
}

package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relative paths, command-line overrides, file checks and the config hash. */
class ConfigLoaderPathsTest extends ConfigTestBase {
    @Test
    void pathsInAConfigFileAreRelativeToItsFolder() throws Exception {
        Path confDir = Files.createDirectories(tmp.resolve("conf/sub"));
        Path file = confDir.resolve("c.json");
        Files.writeString(file, """
                { "model": { "model": "../../model.onnx" },
                  "engine": { "data_source": "../../data", "eval_data_source": "../../eval",
                              "reader": { "type": "text", "tokenizer": "../../tokenizer.json" } } }""");
        PtqConfig c = ConfigLoader.load(file, ConfigOverrides.none());
        assertEquals(tmp.resolve("model.onnx"), c.model().model());
        assertEquals(tmp.resolve("data"), c.engine().dataSource());
        assertEquals(tmp.resolve("eval"), c.engine().evalDataSource());
        assertEquals(tmp.resolve("tokenizer.json"), ((TextReaderSpec) c.engine().reader()).tokenizer().path());
        assertTrue(c.model().model().isAbsolute());
    }

    @Test
    void overridePathsAreRelativeToTheCurrentDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        PtqConfig c = ConfigLoader.fromJson(ConfigFixture.withEngine(""), tmp,
                new ConfigOverrides(Path.of("models/other.onnx"), Path.of("calib"), Path.of("./x/../evalset"), null),
                FileChecks.SKIP);
        assertEquals(cwd.resolve("models/other.onnx"), c.model().model());
        assertEquals("other", c.model().modelName());
        assertEquals(cwd.resolve("calib"), c.engine().dataSource());
        assertEquals(cwd.resolve("evalset"), c.engine().evalDataSource());
    }

    @Test
    void overridesReplaceMissingOrAbsentConfigPaths() throws Exception {
        Path other = Files.writeString(tmp.resolve("other.onnx"), "m");
        String json = "{ \"model\": { \"model\": \"gone.onnx\", \"model_name\": \"named\" }, \"engine\": {} }";
        PtqConfig c = fx.load(json, new ConfigOverrides(other, tmp.resolve("data"), null, null));
        assertEquals(other, c.model().model());
        assertEquals("named", c.model().modelName());
        assertEquals(tmp.resolve("data"), c.engine().dataSource());
    }

    @Test
    void missingOverrideFileIsBlamedOnTheCommandLine() {
        String message = fx.problems(ConfigFixture.withEngine(""),
                new ConfigOverrides(tmp.resolve("nope.onnx"), null, null, null));
        assertTrue(message.contains("model.model: " + tmp.resolve("nope.onnx") + " does not exist (given on the "
                + "command line)"), message);
    }

    @Test
    void skippingFileChecksStillValidatesStructure() {
        String json = "{ \"model\": { \"model\": \"absent.onnx\" }, \"engine\": { \"data_source\": \"absent\" } }";
        PtqConfig c = ConfigLoader.fromJson(json, tmp, ConfigOverrides.none(), FileChecks.SKIP);
        assertEquals(tmp.resolve("absent.onnx"), c.model().model());
        String bad = "{ \"model\": { \"model\": \"absent.onnx\" }, \"engine\": { \"data_sorce\": \"absent\" } }";
        String message = assertThrows(dev.sparkptq.core.ConfigException.class,
                () -> ConfigLoader.fromJson(bad, tmp, ConfigOverrides.none(), FileChecks.SKIP)).getMessage();
        assertTrue(message.contains("engine.data_sorce: unknown key — did you mean 'data_source'?"), message);
        assertFalse(message.contains("does not exist"), message);
    }

    @Test
    void missingConfigFileIsAConfigError() {
        Path missing = tmp.resolve("none.json");
        var e = assertThrows(dev.sparkptq.core.ConfigException.class,
                () -> ConfigLoader.load(missing, ConfigOverrides.none()));
        assertEquals("config file " + missing + " does not exist", e.getMessage());
    }

    @Test
    void problemsFromAFileNameTheFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.json"), "{ \"model\": {}, \"engine\": {\"data_source\": \"data\"} }");
        var e = assertThrows(dev.sparkptq.core.ConfigException.class,
                () -> ConfigLoader.load(file, ConfigOverrides.none()));
        assertEquals("config " + file + ": 1 problem: model.model: missing required key", e.getMessage());
    }

    @Test
    void hashIsStableUnderKeyOrderCommentsAndSpelledOutDefaults() {
        String a = """
                { "model": { "model": "model.onnx" },
                  "engine": { "data_source": "data", "num_partitions": 3 },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                    "params": { "preset": "mixed", "stat_subset_size": 100 } } ] } }""";
        String b = """
                // same config, other order, aliases and explicit defaults
                { "compression": { "algorithms": [ { "params": { "stat_subset_size": 100, "preset": "accuracy",
                                                                 "seed": 0, "weights": { "bits": 8 } },
                                                     "name": "DefaultQuantization" } ],
                                   "target_device": "ANY" },
                  "engine": { "num_partitions": 3, "data_source": "data", },
                  "model": { "model": "model.onnx" } }""";
        String ha = fx.load(a).sha256();
        assertTrue(ha.matches("[0-9a-f]{64}"), ha);
        assertEquals(ha, fx.load(b).sha256());
        assertEquals(ha, fx.load(a).sha256());
        assertNotEquals(ha, fx.load(a.replace("\"stat_subset_size\": 100", "\"stat_subset_size\": 101")).sha256());
        assertNotEquals(ha, fx.load(a.replace("\"num_partitions\": 3", "\"num_partitions\": 2")).sha256());
        assertNotEquals(ha, fx.load(a.replace("\"mixed\"", "\"performance\"")).sha256());
    }

    @Test
    void hashMatchesAnIndependentSha256OfTheCanonicalJson() throws Exception {
        PtqConfig c = fx.load(ConfigFixture.withEngine("\"reader\": {\"type\": \"npy\", \"inputs\": {\"b\": \"y\", "
                + "\"a\": \"x\"}}"));
        String canonical = CanonicalConfig.toJson(c.model(), c.engine(), c.compression());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(java.util.HexFormat.of().formatHex(digest), c.sha256());
        // sorted keys at every level, reader tagged with its type
        assertTrue(canonical.startsWith("{\"compression\":{\"algorithms\":"), canonical);
        assertTrue(canonical.contains("\"reader\":{\"@type\":\"NpyReaderSpec\",\"batchAxis\":false,"
                + "\"inputs\":{\"a\":\"x\",\"b\":\"y\"}"), canonical);
    }
}

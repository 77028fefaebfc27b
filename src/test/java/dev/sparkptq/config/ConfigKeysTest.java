package dev.sparkptq.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigKeysTest {
    private static final Path README = Path.of("README.md");
    private static final Path CONFIG_SOURCES = Path.of("src/main/java/dev/sparkptq/config");

    @Test
    void everyKeyTheBindersAcceptIsDocumentedAndNothingElse() {
        assertEquals(List.of(), ConfigKeys.undocumented(),
                "document each new key next to its KeySpec (a ConfigKeys.Section in its binder)");
    }

    /** Found in the sources, so a new binder's KeySpec fails here until ConfigKeys.sections() lists its section. */
    @Test
    void everyKeySpecConstantOfTheConfigPackageHasASection() throws Exception {
        List<KeySpec> documented = ConfigKeys.sections().stream().map(ConfigKeys.Section::spec).toList();
        Pattern constant = Pattern.compile("static final KeySpec (\\w+)");
        int found = 0;
        try (Stream<Path> files = Files.list(CONFIG_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = constant.matcher(Files.readString(file));
                String className = file.getFileName().toString().replace(".java", "");
                while (m.find()) {
                    Field field = Class.forName("dev.sparkptq.config." + className).getDeclaredField(m.group(1));
                    field.setAccessible(true);
                    KeySpec spec = (KeySpec) field.get(null);
                    assertTrue(documented.contains(spec), className + "." + m.group(1) + " " + spec.valid()
                            + " has no ConfigKeys.Section; document its keys and list it in ConfigKeys.sections()");
                    found++;
                }
            }
        }
        assertTrue(found >= 12, "found only " + found + " KeySpec constants; did the declarations change?");
        for (ReaderBinder.Kind kind : ReaderBinder.Kind.values()) {
            List<String> documentedReaderKeys = ConfigKeys.all().stream()
                    .filter(k -> k.path().startsWith("engine.reader.") && k.path().indexOf('.', 14) < 0)
                    .map(k -> k.path().substring("engine.reader.".length())).toList();
            assertTrue(documentedReaderKeys.containsAll(kind.fields), kind + " reader keys " + kind.fields);
        }
    }

    @Test
    void readmeTableIsTheGeneratedOne() throws IOException {
        String readme = Files.readString(README);
        assertEquals(ConfigKeys.updateReadme(readme), readme,
                "README.md's config reference is stale; regenerate it with "
                        + "'bin/spark-ptq config-docs --readme README.md'");
    }

    @Test
    void documentedScalarDefaultsAreWhatAnEmptyConfigBindsTo() {
        PtqConfig c = ConfigLoader.fromJson("{\"model\": {\"model\": \"m.onnx\"}, \"engine\": {\"data_source\": "
                + "\"d\", \"reader\": {\"type\": \"text\", \"tokenizer\": \"t.json\"}}}", Path.of("/tmp"),
                ConfigOverrides.none(), FileChecks.SKIP);
        QuantizationParams p = c.compression().algorithms().get(0).params();
        Map<String, String> documented = ConfigKeys.all().stream()
                .collect(Collectors.toMap(ConfigKeys.Key::path, ConfigKeys.Key::defaultValue, (a, b) -> a));
        Map<String, Function<PtqConfig, Object>> bound = Map.of(
                "engine.num_partitions", x -> x.engine().numPartitions(),
                "engine.sqnr_samples", x -> x.engine().sqnrSamples(),
                "engine.reader.max_length", x -> ((TextReaderSpec) x.engine().reader()).maxLength(),
                "engine.reader.skip_lines", x -> ((TextReaderSpec) x.engine().reader()).skipLines(),
                "compression.inplace_statistics", x -> x.compression().inplaceStatistics(),
                "compression.algorithms[].params.stat_batch_size", x -> p.statBatchSize(),
                "compression.algorithms[].params.seed", x -> p.seed(),
                "compression.algorithms[].params.shuffle_data", x -> p.shuffleData(),
                "compression.algorithms[].params.threshold", x -> p.biasCorrection().threshold(),
                "compression.algorithms[].params.apply_for_all_nodes", x -> p.biasCorrection().applyForAllNodes());
        bound.forEach((path, value) -> assertEquals(value.apply(c).toString(), documented.get(path), path));
        assertEquals("`" + p.preset().name().toLowerCase() + "` (`mixed` for transformers)",
                documented.get("compression.algorithms[].params.preset"));
    }

    @Test
    void choiceKeysListTheBindersValues() {
        Map<String, String> types = ConfigKeys.all().stream()
                .collect(Collectors.toMap(ConfigKeys.Key::path, ConfigKeys.Key::type, (a, b) -> a));
        assertEquals("`performance`, `mixed`", types.get("compression.algorithms[].params.preset"));
        assertEquals("`DefaultQuantization`, `MinMaxQuantization`, `AccuracyAwareQuantization`", types.get("compression.algorithms[].name"));
        assertEquals("`image`, `npy`, `text`, `json`, `table`", types.get("engine.reader.type"));
    }
}

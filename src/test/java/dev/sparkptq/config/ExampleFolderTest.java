package dev.sparkptq.config;

import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file in conf/examples loads, so an example cannot rot unnoticed: with file checks against the real models
 * and data in ../shared, except the examples built on the demo's files under target/demo (made by
 * {@code bin/spark-ptq demo}, absent on a fresh checkout), which are checked for structure only. Also pins what the
 * scenario examples added for POT's quantile preset, per-channel activations and the demo model on other text
 * resolve to. {@link ExampleConfigsTest} checks the first examples' readers and metrics in detail.
 */
class ExampleFolderTest {
    private static final Path EXAMPLES = Path.of("conf/examples");
    private static final Path SHARED = Path.of("").toAbsolutePath().getParent().resolve("shared");
    private static final Path DEMO = Path.of("target/demo").toAbsolutePath();
    /** Examples whose model or text is prepared by the demo under target/demo. */
    private static final Set<String> STRUCTURE_ONLY = Set.of("demo-minilm.json", "minilm-stsb-text.json",
            "minilm-sts.json", "minilm-smoothquant.json");

    static Stream<String> everyExample() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList()
                    .stream();
        }
    }

    private static PtqConfig load(String name) {
        FileChecks checks = STRUCTURE_ONLY.contains(name) ? FileChecks.SKIP : FileChecks.CHECK;
        return ConfigLoader.load(EXAMPLES.resolve(name), ConfigOverrides.none(), checks);
    }

    private static QuantizationParams params(String name) {
        return load(name).compression().algorithms().get(0).params();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyExample")
    void everyExampleLoads(String name) {
        PtqConfig c = load(name);
        assertEquals(1, c.compression().algorithms().size(), name);
        assertTrue(!c.model().source().isLocal() || c.model().model().isAbsolute(), name);
    }

    @Test
    void theFolderHoldsEveryDocumentedScenario() throws IOException {
        List<String> names = everyExample().toList();
        assertTrue(names.containsAll(List.of("demo-minilm.json", "minilm-stsb-text.json", "mnist.json",
                "mnist-perchannel-activations.json", "squeezenet-histogram.json", "squeezenet-imagenet.json",
                "squeezenet-quantile.json", "yolox-nano-coco.json", "squeezenet-accuracy-aware.json",
                "squeezenet-annotation-free.json", "mnist-accuracy-aware-int16.json", "mnist-parquet-hdfs.json")),
                names.toString());
    }

    /** Keeps the structure-only list honest: only a dependence on the demo's files excuses an example. */
    @Test
    void onlyExamplesThatUseTheDemoFolderSkipFileChecks() throws IOException {
        for (String name : everyExample().toList()) {
            boolean usesDemo = Files.readString(EXAMPLES.resolve(name)).contains("target/demo/");
            assertEquals(usesDemo, STRUCTURE_ONLY.contains(name), name);
        }
    }

    @Test
    void quantileExampleUsesAbsQuantileWithAMedianOnTheMaxSide() {
        QuantizationParams quantile = params("squeezenet-quantile.json");
        QuantizationParams minMax = params("squeezenet-imagenet.json");
        TensorQuantSpec a = quantile.activations();
        assertEquals(new RangeEstimatorSpec(new StatisticSpec(StatType.MIN, Aggregator.MIN, null, null),
                new StatisticSpec(StatType.ABS_QUANTILE, Aggregator.MEDIAN, null, 1e-4)), a.rangeEstimator());
        assertEquals(QuantScheme.SYMMETRIC, a.mode());
        assertEquals(Granularity.PER_TENSOR, a.granularity());
        assertEquals(minMax.weights(), quantile.weights());
        assertEquals(minMax.statSubsetSize(), quantile.statSubsetSize());
        assertEquals(minMax.seed(), quantile.seed());
    }

    @Test
    void perChannelExampleQuantizesActivationsPerChannelWithPotsPerChannelDefaults() {
        QuantizationParams p = params("mnist-perchannel-activations.json");
        TensorQuantSpec a = p.activations();
        assertEquals(Granularity.PER_CHANNEL, a.granularity());
        assertEquals(QuantScheme.SYMMETRIC, a.mode());
        assertEquals(new RangeEstimatorSpec(new StatisticSpec(StatType.MIN, Aggregator.MIN, null, null),
                new StatisticSpec(StatType.ABS_MAX, Aggregator.MAX, null, null)), a.rangeEstimator());
        assertEquals(Granularity.PER_TENSOR, params("mnist.json").activations().granularity());
        assertEquals(params("mnist.json").weights(), p.weights());
    }

    @Test
    void stsbExampleCalibratesOnStsTextWithExposedTensors() {
        PtqConfig c = load("minilm-stsb-text.json");
        Path sts = SHARED.resolve("data/stsbenchmark/sts-dev.csv");
        assertEquals(sts, c.engine().dataSource());
        assertTrue(Files.isRegularFile(sts), sts.toString());
        assertEquals(DEMO.resolve("evaluation.txt"), c.engine().evalDataSource());
        assertEquals(DEMO.resolve("all-minilm-l6-v2.onnx"), c.model().model());
        assertEquals(DEMO.resolve("tokenizer.json"), ((TextReaderSpec) c.engine().reader()).tokenizer().path());
        assertEquals(CompressionSection.ModelType.TRANSFORMER, c.compression().modelType());
        assertFalse(c.compression().inplaceStatistics());
        assertTrue(load("demo-minilm.json").compression().inplaceStatistics());
        assertEquals(QuantScheme.ASYMMETRIC, c.compression().algorithms().get(0).params().activations().mode());
        assertTrue(c.compression().algorithms().get(0).params().shuffleData());
    }

    @Test
    void smoothQuantExampleSmoothsMatMulsOnly() {
        QuantizationParams p = params("minilm-smoothquant.json");
        assertEquals(new SmoothQuantSpec(0.75, -1), p.smoothQuant());
        assertEquals(QuantizationParams.ActivationMatMuls.FLOAT, p.activationMatMuls());
        PtqConfig c = load("minilm-smoothquant.json");
        assertEquals(CompressionSection.ModelType.TRANSFORMER, c.compression().modelType());
        assertEquals(DEMO.resolve("all-minilm-l6-v2.onnx"), c.model().model());
    }
}

package dev.sparkptq.config;

import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped examples load. Tests run from the repository root; the examples' paths are relative to
 * conf/examples. The squeezenet, mnist and yolox examples are checked against the real files in ../shared; the demo
 * example names files the demo script creates, so only its structure is checked.
 */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("conf/examples");
    private static final Path SHARED = Path.of("").toAbsolutePath().getParent().resolve("shared");

    private static PtqConfig load(String name, FileChecks checks) {
        return ConfigLoader.load(EXAMPLES.resolve(name), ConfigOverrides.none(), checks);
    }

    private static List<String> metricNames(PtqConfig c) {
        return c.engine().metrics().stream().map(MetricSpec::name).toList();
    }

    @Test
    void squeezenetExampleLoadsWithItsFiles() {
        PtqConfig c = load("squeezenet-imagenet.json", FileChecks.CHECK);
        assertEquals(SHARED.resolve("models/squeezenet1.1.onnx"), c.model().model());
        assertEquals("squeezenet1.1", c.model().modelName());
        ImageReaderSpec r = assertInstanceOf(ImageReaderSpec.class, c.engine().reader());
        assertEquals(256, r.resizeShorter());
        assertArrayEquals(new int[]{224, 224}, r.centerCrop());
        assertEquals(255f, r.scale());
        assertArrayEquals(new float[]{0.485f, 0.456f, 0.406f}, r.mean());
        assertArrayEquals(new float[]{0.229f, 0.224f, 0.225f}, r.std());
        assertEquals(SHARED.resolve("data/imagenet-wnids.txt"), r.labels().indexFile().path());
        assertTrue(Files.isRegularFile(r.labels().indexFile().path()));
        assertEquals(List.of("top1", "top5", "top1_agreement"), metricNames(c));
        assertEquals(5, c.engine().metrics().get(1).topK());
        QuantizationParams p = c.compression().algorithms().get(0).params();
        assertEquals(Preset.PERFORMANCE, p.preset());
        assertEquals(300, p.statSubsetSize());
        assertTrue(p.shuffleData());
        assertEquals(0L, p.seed());
    }

    @Test
    void mnistExampleLoadsWithItsFiles() {
        PtqConfig c = load("mnist.json", FileChecks.CHECK);
        JsonArrayReaderSpec r = assertInstanceOf(JsonArrayReaderSpec.class, c.engine().reader());
        assertEquals("data", r.key());
        assertEquals(LabelSpec.Source.FILENAME_PREFIX, r.labels().from());
        assertNull(r.labels().indexFile());
        assertEquals(List.of("top1"), metricNames(c));
        assertEquals(SHARED.resolve("data/mnist"), c.engine().dataSource());
        assertEquals("mnist-8", c.model().modelName());
    }

    /** The table example names HDFS: loaded as URIs, never as local paths (remote files are checked by the CLI). */
    @Test
    void parquetTableExampleReadsModelAndRowsFromHdfs() {
        PtqConfig c = load("mnist-parquet-hdfs.json", FileChecks.CHECK);
        assertEquals("hdfs", c.model().source().scheme());
        assertEquals("hdfs://namenode:8020/ptq/models/mnist-8.onnx", c.model().source().toString());
        assertEquals("hdfs://namenode:8020/ptq/tables/mnist-calibration", c.engine().data().toString());
        assertEquals("hdfs://namenode:8020/ptq/tables/mnist-validation", c.engine().evalData().toString());
        TableReaderSpec r = assertInstanceOf(TableReaderSpec.class, c.engine().reader());
        assertEquals(TableReaderSpec.Format.PARQUET, r.format());
        assertEquals("label", r.annotationColumn());
        assertNull(r.table());
        assertEquals(List.of("top1"), metricNames(c));
        assertEquals("mnist-8", c.model().modelName());
    }

    @Test
    void yoloxExampleLoadsWithItsFiles() {
        PtqConfig c = load("yolox-nano-coco.json", FileChecks.CHECK);
        ImageReaderSpec r = assertInstanceOf(ImageReaderSpec.class, c.engine().reader());
        assertArrayEquals(new int[]{416, 416}, r.letterbox());
        assertEquals(114f, r.letterboxFill());
        assertEquals(1f, r.scale());
        assertEquals(ImageReaderSpec.ColorOrder.BGR, r.color());
        assertNull(r.labels());
        assertEquals(List.of("cosine_to_fp32"), metricNames(c));
        assertEquals(Preset.MIXED, c.compression().algorithms().get(0).params().preset());
        assertEquals(QuantScheme.ASYMMETRIC, c.compression().algorithms().get(0).params().activations().mode());
    }

    @Test
    void demoExampleHasAValidStructure() {
        PtqConfig c = load("demo-minilm.json", FileChecks.SKIP);
        Path demo = Path.of("target/demo").toAbsolutePath();
        assertEquals(demo.resolve("all-minilm-l6-v2.onnx"), c.model().model());
        assertEquals(demo.resolve("evaluation.txt"), c.engine().evalDataSource());
        TextReaderSpec r = assertInstanceOf(TextReaderSpec.class, c.engine().reader());
        assertEquals(demo.resolve("tokenizer.json"), r.tokenizer().path());
        assertEquals(128, r.maxLength());
        assertEquals(CompressionSection.ModelType.TRANSFORMER, c.compression().modelType());
        assertEquals(Preset.MIXED, c.compression().algorithms().get(0).params().preset());
        assertEquals(List.of(new MetricSpec("cosine_to_fp32", MetricSpec.Type.COSINE_TO_FP32, 1, null,
                MetricSpec.Pooling.MEAN)), c.engine().metrics());
    }

    @Test
    void minilmStsExampleEvaluatesStsPairsWithSpearman() {
        PtqConfig c = load("minilm-sts.json", FileChecks.SKIP);
        assertEquals(SHARED.resolve("data/stsbenchmark/sts-dev.csv"), c.engine().dataSource());
        assertTrue(Files.isRegularFile(c.engine().dataSource()));
        TextReaderSpec r = assertInstanceOf(TextReaderSpec.class, c.engine().reader());
        assertEquals(TextReaderSpec.Format.PAIRS, r.format());
        assertEquals(TextReaderSpec.PairColumns.STS, r.pairs());
        assertEquals(List.of("spearman", "cosine_to_fp32"), metricNames(c));
        assertEquals(MetricSpec.Type.SPEARMAN, c.engine().metrics().get(0).type());
    }

    @Test
    void accuracyAwareExamplesBindTheirSearchParams() {
        AlgorithmSpec sq = load("squeezenet-accuracy-aware.json", FileChecks.CHECK).compression().algorithms().get(0);
        assertEquals(AlgorithmSpec.Name.AccuracyAwareQuantization, sq.name());
        assertEquals(0.005, sq.accuracyAware().maximalDrop());
        assertEquals(300, sq.accuracyAware().rankingSubsetSize());
        assertEquals(AlgorithmSpec.Name.DefaultQuantization, sq.baseName());
        assertEquals(300, sq.params().statSubsetSize());
        PtqConfig free = load("squeezenet-annotation-free.json", FileChecks.CHECK);
        assertEquals(List.of("top1_agreement"), metricNames(free));
        assertEquals(AccuracyAwareSpec.Distance.KL, free.compression().algorithms().get(0).accuracyAware()
                .rankingDistance());
        AlgorithmSpec mnist = load("mnist-accuracy-aware-int16.json", FileChecks.CHECK).compression().algorithms()
                .get(0);
        assertEquals(AccuracyAwareSpec.RevertTo.INT16, mnist.accuracyAware().revertTo());
        assertEquals(4, mnist.params().weights().bits());
        assertEquals(4, mnist.params().activations().bits());
    }
}

package dev.sparkptq.config;

import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.CompressionSection.TargetDevice;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.config.QuantizationParams.WeightStorage;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.RangeEstimatorSpec.StatisticSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Defaults and presets: what a config means once resolved. */
class ConfigLoaderResolutionTest extends ConfigTestBase {
    private static StatisticSpec stat(StatType type, Aggregator aggregator) {
        return new StatisticSpec(type, aggregator, null, null);
    }

    @Test
    void minimalConfigResolvesToPotDefaults() {
        PtqConfig c = fx.load("{ \"model\": {\"model\": \"model.onnx\"}, \"engine\": {\"data_source\": \"data\"} }");
        assertEquals(new ModelSection("model", tmp.resolve("model.onnx")), c.model());
        EngineSection e = c.engine();
        assertEquals("simplified", e.type());
        assertEquals(tmp.resolve("data"), e.dataSource());
        assertNull(e.evalDataSource());
        assertEquals(4, e.numPartitions());
        assertNull(e.evalSubsetSize());
        assertEquals(32, e.sqnrSamples());
        ImageReaderSpec r = assertInstanceOf(ImageReaderSpec.class, e.reader());
        assertEquals(0, r.resizeShorter());
        assertEquals(114f, r.letterboxFill());
        assertEquals(1f, r.scale());
        assertEquals(ImageReaderSpec.ColorOrder.RGB, r.color());
        assertEquals(ImageReaderSpec.Layout.NCHW, r.layout());
        assertNull(r.labels());
        assertEquals(List.of(MetricSpec.Type.COSINE_TO_FP32, MetricSpec.Type.TOP1_AGREEMENT),
                e.metrics().stream().map(MetricSpec::type).toList());

        CompressionSection comp = c.compression();
        assertEquals(TargetDevice.ANY, comp.targetDevice());
        assertEquals(ModelType.DEFAULT, comp.modelType());
        assertEquals(true, comp.inplaceStatistics());
        assertEquals(1, comp.algorithms().size());
        assertEquals(AlgorithmSpec.Name.DefaultQuantization, comp.algorithms().get(0).name());
        QuantizationParams p = comp.algorithms().get(0).params();
        assertEquals(new QuantizationParams(Preset.PERFORMANCE, null, 1, false, 0L, IgnoredSpec.none(),
                new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_CHANNEL, null, null,
                        new RangeEstimatorSpec(null, stat(StatType.ABS_MAX, null))),
                new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, null, null,
                        new RangeEstimatorSpec(stat(StatType.MIN, Aggregator.MIN),
                                stat(StatType.ABS_MAX, Aggregator.MEAN))),
                WeightStorage.COMPRESSED), p);
    }

    /**
     * Activations under every preset spelling × granularity × mode; expected values are the §1.4 table with the
     * preset's mode (performance: symmetric, mixed: asymmetric) unless the block sets its own.
     */
    @ParameterizedTest(name = "preset={0} granularity={1} mode={2}")
    @CsvSource(nullValues = "-", value = {
            // preset, granularity, mode, → preset, mode, granularity, min type/agg, max type/agg
            "performance, -,          -,          PERFORMANCE, SYMMETRIC,  PER_TENSOR,  MIN, MIN,  ABS_MAX, MEAN",
            "mixed,       -,          -,          MIXED,       ASYMMETRIC, PER_TENSOR,  MIN, MEAN, MAX,     MEAN",
            "performance, perchannel, -,          PERFORMANCE, SYMMETRIC,  PER_CHANNEL, MIN, MIN,  ABS_MAX, MAX",
            "mixed,       perchannel, -,          MIXED,       ASYMMETRIC, PER_CHANNEL, MIN, MIN,  MAX,     MAX",
            "performance, pertensor,  asymmetric, PERFORMANCE, ASYMMETRIC, PER_TENSOR,  MIN, MEAN, MAX,     MEAN",
            "mixed,       pertensor,  symmetric,  MIXED,       SYMMETRIC,  PER_TENSOR,  MIN, MIN,  ABS_MAX, MEAN",
            "performance, perchannel, asymmetric, PERFORMANCE, ASYMMETRIC, PER_CHANNEL, MIN, MIN,  MAX,     MAX",
            "mixed,       perchannel, symmetric,  MIXED,       SYMMETRIC,  PER_CHANNEL, MIN, MIN,  ABS_MAX, MAX",
            "accuracy,    -,          -,          MIXED,       ASYMMETRIC, PER_TENSOR,  MIN, MEAN, MAX,     MEAN",
            "symmetric,   -,          -,          PERFORMANCE, SYMMETRIC,  PER_TENSOR,  MIN, MIN,  ABS_MAX, MEAN",
            "asymmetric,  -,          -,          MIXED,       ASYMMETRIC, PER_TENSOR,  MIN, MEAN, MAX,     MEAN",
    })
    void activationPresetGranularityAndModeSelectTheEstimator(String preset, String granularity, String mode,
                                                              Preset expPreset, QuantScheme expMode,
                                                              Granularity expGranularity, StatType minType,
                                                              Aggregator minAgg, StatType maxType, Aggregator maxAgg) {
        String block = (granularity == null ? "" : "\"granularity\": \"" + granularity + "\"")
                + (granularity != null && mode != null ? ", " : "")
                + (mode == null ? "" : "\"mode\": \"" + mode + "\"");
        QuantizationParams p = fx.params("\"preset\": \"" + preset + "\", \"activations\": {" + block + "}");
        assertEquals(expPreset, p.preset());
        TensorQuantSpec a = p.activations();
        assertEquals(expMode, a.mode());
        assertEquals(expGranularity, a.granularity());
        assertEquals(new RangeEstimatorSpec(stat(minType, minAgg), stat(maxType, maxAgg)), a.rangeEstimator());
        // weights stay symmetric per-channel under every preset
        assertEquals(QuantScheme.SYMMETRIC, p.weights().mode());
        assertEquals(Granularity.PER_CHANNEL, p.weights().granularity());
    }

    @Test
    void asymmetricWeightsUseMinAndMaxWithoutAggregator() {
        TensorQuantSpec w = fx.params("\"weights\": {\"mode\": \"asymmetric\", \"granularity\": \"pertensor\"}")
                .weights();
        assertEquals(new RangeEstimatorSpec(stat(StatType.MIN, null), stat(StatType.MAX, null)), w.rangeEstimator());
        assertEquals(Granularity.PER_TENSOR, w.granularity());
    }

    @Test
    void explicitEstimatorFieldsOverrideThePresetFieldByField() {
        TensorQuantSpec a = fx.params("""
                "preset": "performance",
                "activations": { "range_estimator": {
                    "max": { "aggregator": "max", "clipping_value": 6 },
                    "min": { "type": "max" } } }""").activations();
        assertEquals(new StatisticSpec(StatType.MAX, Aggregator.MIN, null, null), a.rangeEstimator().min());
        assertEquals(new StatisticSpec(StatType.ABS_MAX, Aggregator.MAX, 6.0, null), a.rangeEstimator().max());
    }

    @Test
    void transformerModelTypeDefaultsToMixedButAnExplicitPresetWins() {
        String transformer = "\"model_type\": \"transformer\"";
        PtqConfig c = fx.load(ConfigFixture.config("", transformer));
        assertEquals(ModelType.TRANSFORMER, c.compression().modelType());
        assertEquals(Preset.MIXED, c.compression().algorithms().get(0).params().preset());
        assertEquals(QuantScheme.ASYMMETRIC, c.compression().algorithms().get(0).params().activations().mode());
        PtqConfig explicit = fx.load(ConfigFixture.config("", transformer + ", \"algorithms\": [{\"name\": "
                + "\"MinMaxQuantization\", \"params\": {\"preset\": \"performance\"}}]"));
        assertEquals(Preset.PERFORMANCE, explicit.compression().algorithms().get(0).params().preset());
        assertEquals(AlgorithmSpec.Name.MinMaxQuantization, explicit.compression().algorithms().get(0).name());
    }

    @Test
    void sixteenBitsDefaultToPerTensorAndLevelsAreKept() {
        QuantizationParams p = fx.params("""
                "weights": { "bits": 16 },
                "activations": { "bits": 4, "level_low": -8, "level_high": 7 }""");
        assertEquals(16, p.weights().bits());
        assertEquals(Granularity.PER_TENSOR, p.weights().granularity());
        assertEquals(4, p.activations().bits());
        assertEquals(-8, p.activations().levelLow());
        assertEquals(7, p.activations().levelHigh());
    }

    @Test
    void samplingAndIgnoredParamsAreBound() {
        QuantizationParams p = fx.params("""
                "stat_subset_size": 300, "stat_batch_size": 4, "shuffle_data": true, "seed": 42,
                "ignored": { "scope": ["conv1", "fc"],
                             "operations": [ { "type": "Add" },
                                             { "type": "Conv", "attributes": { "group": 1, "pads": [0, 0, 0, 0],
                                                                               "auto_pad": "NOTSET", "alpha": 0.5 } } ] }""");
        assertEquals(300, p.statSubsetSize());
        assertEquals(4, p.statBatchSize());
        assertEquals(true, p.shuffleData());
        assertEquals(42L, p.seed());
        assertEquals(new IgnoredSpec(List.of("conv1", "fc"), List.of(
                new IgnoredSpec.IgnoredOp("Add", Map.of()),
                new IgnoredSpec.IgnoredOp("Conv", Map.of("group", "1", "pads", "[0, 0, 0, 0]", "auto_pad", "NOTSET",
                        "alpha", "0.5")))), p.ignored());
    }

    @Test
    void compressWeightsFromConfigAndOverride() {
        assertEquals(WeightStorage.UNCOMPRESSED, fx.params("\"compress_weights\": false").weightStorage());
        PtqConfig overridden = fx.load(ConfigFixture.withParams("\"compress_weights\": false"),
                new ConfigOverrides((java.nio.file.Path) null, null, null, true));
        assertEquals(WeightStorage.COMPRESSED, overridden.compression().algorithms().get(0).params().weightStorage());
    }

    @Test
    void labelsSelectAccuracyMetricsByDefault() {
        PtqConfig c = fx.load(ConfigFixture.withEngine("""
                "reader": { "center_crop": [224, 200], "labels": { "from": "filename_prefix",
                            "index_file": "wnids.txt" } }"""));
        ImageReaderSpec r = (ImageReaderSpec) c.engine().reader();
        assertArrayEquals(new int[]{224, 200}, r.centerCrop());
        assertEquals(new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, dev.sparkptq.core.Location.of(tmp.resolve("wnids.txt")), "_", null), r.labels());
        assertEquals(List.of(new MetricSpec("top1", MetricSpec.Type.ACCURACY, 1, null, Pooling.NONE),
                        new MetricSpec("top1_agreement", MetricSpec.Type.TOP1_AGREEMENT, 1, null, Pooling.NONE)),
                c.engine().metrics());
    }

    @Test
    void textReaderDefaultsToMeanPooledCosine() {
        PtqConfig c = fx.load(ConfigFixture.withEngine("\"reader\": {\"type\": \"text\", \"tokenizer\": "
                + "\"tokenizer.json\", \"skip_lines\": 10}"));
        assertEquals(new TextReaderSpec(dev.sparkptq.core.Location.of(tmp.resolve("tokenizer.json")), 128, 10, null), c.engine().reader());
        assertEquals(List.of(new MetricSpec("cosine_to_fp32", MetricSpec.Type.COSINE_TO_FP32, 1, null, Pooling.MEAN)),
                c.engine().metrics());
    }

    @Test
    void metricNamesDefaultToTheTypeWithTopK() {
        PtqConfig c = fx.load(ConfigFixture.withEngine("""
                "reader": { "type": "json", "labels": { "from": "filename_prefix" } },
                "metrics": [ { "type": "accuracy" }, { "type": "accuracy", "top_k": 5, "output": "logits" },
                             { "type": "cosine_to_fp32", "pooling": "mean" } ]"""));
        assertEquals(List.of(new MetricSpec("accuracy", MetricSpec.Type.ACCURACY, 1, null, Pooling.NONE),
                        new MetricSpec("accuracy@5", MetricSpec.Type.ACCURACY, 5, "logits", Pooling.NONE),
                        new MetricSpec("cosine_to_fp32", MetricSpec.Type.COSINE_TO_FP32, 1, null, Pooling.MEAN)),
                c.engine().metrics());
        assertEquals(new JsonArrayReaderSpec(null, "data", new LabelSpec(LabelSpec.Source.FILENAME_PREFIX, null, "_",
                null)), c.engine().reader());
    }

    @Test
    void npyReaderWithBatchAxisTakesNpyLabels() {
        PtqConfig c = fx.load(ConfigFixture.withEngine("""
                "reader": { "type": "npy", "batch_axis": true, "inputs": { "input_ids": "ids.npy" },
                            "labels": { "from": "npy_file", "file": "labels.npy" } }"""));
        assertEquals(new NpyReaderSpec(Map.of("input_ids", "ids.npy"), true,
                new LabelSpec(LabelSpec.Source.NPY_FILE, null, null, tmp.resolve("labels.npy"))), c.engine().reader());
    }
}

package dev.sparkptq.api;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.FileChecks;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.core.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlgorithmsTest {
    private static AlgorithmSpec fromJson(String compression) {
        String json = "{\"model\": {\"model\": \"m.onnx\"}, \"engine\": {\"data_source\": \"d\"}, \"compression\": "
                + compression + "}";
        return ConfigLoader.fromJson(json, Path.of("/tmp"), ConfigOverrides.none(), FileChecks.SKIP).compression()
                .algorithms().get(0);
    }

    @Test
    void builderResolvesToTheRecordTheJsonLoaderProducesForTheSameSettings() {
        AlgorithmSpec built = Algorithms.defaultQuantization().preset(Preset.MIXED).statSubsetSize(300)
                .shuffleData(true).seed(5).ignoredScope("conv1").ignoredOperations("Relu")
                .param("activations.range_estimator.preset", "quantile")
                .param("activations.range_estimator.max.aggregator", "median").build().spec();
        AlgorithmSpec loaded = fromJson("""
                {"algorithms": [{"name": "DefaultQuantization", "params": {
                   "preset": "mixed", "stat_subset_size": 300, "shuffle_data": true, "seed": 5,
                   "ignored": {"scope": ["conv1"], "operations": [{"type": "Relu"}]},
                   "activations": {"range_estimator": {"preset": "quantile", "max": {"aggregator": "median"}}}}}]}
                """);
        assertEquals(loaded, built);
    }

    @Test
    void builderWithNothingSetGivesTheDefaultsOfAConfigWithoutAlgorithms() {
        assertEquals(fromJson("{}"), Algorithms.defaultQuantization().build().spec());
        assertEquals(fromJson("{\"algorithms\": [{\"name\": \"MinMaxQuantization\"}]}"),
                Algorithms.minMaxQuantization().build().spec());
    }

    @Test
    void modelTypeTransformerChangesTheDefaultPresetAsInAConfig() {
        assertEquals(Preset.MIXED, Algorithms.defaultQuantization().modelType(ModelType.TRANSFORMER).build().spec()
                .params().preset());
    }

    @Test
    void settersReturnNewBuildersAndLeaveTheOriginalUnchanged() {
        Algorithms.Builder base = Algorithms.defaultQuantization();
        Algorithms.Builder mixed = base.preset(Preset.MIXED);
        assertEquals(Preset.PERFORMANCE, base.build().spec().params().preset());
        assertEquals(Preset.MIXED, mixed.build().spec().params().preset());
    }

    @Test
    void aBadValueFailsAtBuildWithTheConfigLoadersMessage() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Algorithms.defaultQuantization().param("preset", "mixd").build());
        assertTrue(e.getMessage().contains("compression.algorithms[0].params.preset"), e.getMessage());
        assertTrue(e.getMessage().contains("mixed"), e.getMessage());
    }

    @Test
    void toJsonIsAConfigCompressionSectionThatLoadsToTheSameRecord() {
        Algorithm a = Algorithms.minMaxQuantization().statBatchSize(2).statSubsetSize(4).build();
        assertEquals(a.spec(), fromJson(a.toJson()));
    }

    @Test
    void metricAttributesFollowHigherBetter() {
        Metric error = new Metric() {
            @Override
            public String name() {
                return "MAE";
            }

            @Override
            public boolean higherBetter() {
                return false;
            }

            @Override
            public double perSample(dev.sparkptq.accuracy.EvalSample sample) {
                return 0;
            }
        };
        assertEquals(new Metric.Attributes(Metric.Direction.HIGHER_WORSE, "mae"), error.attributes());
    }
}

package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engine.statistics against the tensors computed directly by ONNX Runtime on a model with them as outputs. */
class EngineStatisticsTest {
    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");
    private static final ReadmeExample.RandomImages ITEMS = new ReadmeExample.RandomImages(11, 8);

    @Test
    void minMaxAbsMaxAndMeanOfAnInputAnActivationAndAnOutputMatchADirectComputation() {
        Engine engine = Engine.local().withDataLoader(ITEMS).withPartitions(3);
        Map<String, TensorStatistics> stats = engine.statistics(TINY, "r1", "x", "y");

        assertEquals(List.of("r1", "x", "y"), List.copyOf(stats.keySet()));
        for (String t : List.of("r1", "x", "y")) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double meanOfMeans = 0;
            for (int i = 0; i < ITEMS.size(); i++) {
                float[] v = values(t, i);
                double sum = 0;
                for (float f : v) {
                    min = Math.min(min, f);
                    max = Math.max(max, f);
                    sum += f;
                }
                meanOfMeans += sum / v.length / ITEMS.size();
            }
            TensorStatistics s = stats.get(t);
            assertEquals(min, s.min(), 1e-5, t); // last-bit rounding of fused kernels
            assertEquals(max, s.max(), 1e-5, t);
            assertEquals(Math.max(-min, max), s.absMax(), 1e-5, t);
            assertEquals(meanOfMeans, s.mean(), 1e-6, t);
            assertEquals(ITEMS.size(), s.samples(), t);
            assertEquals(0, s.nonFinite(), t);
        }
        assertTrue(stats.get("r1").min() >= 0, "a Relu output is never negative");
    }

    @Test
    void aPerChannelSpecGivesEachChannelsMaximum() {
        StatisticSpec spec = new StatisticSpec("r1", PerSampleStat.MAX, 1, Aggregation.MAX, null);
        SortedMap<StatisticSpec, StatResult> r = Engine.local().withDataLoader(ITEMS).withPartitions(2)
                .statistics(TINY, List.of(spec));

        double[] expected = new double[16];
        java.util.Arrays.fill(expected, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < ITEMS.size(); i++) {
            float[] v = values("r1", i); // [1, 16, 8, 8]
            for (int k = 0; k < v.length; k++) {
                expected[k / 64] = Math.max(expected[k / 64], v[k]);
            }
        }
        // ONNX Runtime's optimized graph (Conv+Relu fused) may round the last float bit differently
        assertArrayEquals(expected, r.get(spec).values(), 1e-5);
    }

    @Test
    void aTensorTheModelDoesNotComputeIsNamed() {
        Engine engine = Engine.local().withDataLoader(ITEMS);
        ConfigException unknown = assertThrows(ConfigException.class, () -> engine.statistics(TINY, "nope"));
        assertTrue(unknown.getMessage().contains("has no tensor 'nope'"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("c1"), unknown.getMessage());
        ConfigException constant = assertThrows(ConfigException.class, () -> engine.statistics(TINY, "W1"));
        assertTrue(constant.getMessage().contains("'W1' is an initializer"), constant.getMessage());
    }

    /** Tensor {@code t} of item {@code i}, from a copy of the model with r1 added as an output by hand. */
    private static float[] values(String t, int i) {
        Map<String, dev.sparkptq.core.Tensor> in = ITEMS.get(i).inputs();
        if (t.equals("x")) {
            return in.get("x").floats();
        }
        OnnxMl.ModelProto.Builder b = TINY.proto().toBuilder();
        b.getGraphBuilder().addOutput(TinyModels.floatInfo("r1", 1, 16, 8, 8));
        return OrtRunner.run(b.build(), in).get(t);
    }
}

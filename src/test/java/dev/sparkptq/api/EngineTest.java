package dev.sparkptq.api;

import dev.sparkptq.accuracy.CosineToFp32;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {
    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");

    @Test
    void inferRunsOneItemAsOnnxRuntimeDoes() {
        Engine engine = Engine.local().withDataLoader(new ReadmeExample.RandomImages(5, 1));
        float[] expected = OrtRunner.run(TINY.proto(), new ReadmeExample.RandomImages(5, 1).get(3).inputs())
                .get("y");
        assertArrayEquals(expected, engine.infer(TINY, 3).get("y").floats(), 1e-5f);
    }

    @Test
    void builtInMetricsComparingWithFp32SeeTheReferenceModel() {
        Engine engine = Engine.local().withDataLoader(new ReadmeExample.RandomImages(6, 2))
                .withMetrics(new CosineToFp32("cosine", "y", Pooling.NONE)).withPartitions(3);
        assertEquals(1.0, engine.evaluate(TINY, TINY).get("cosine"), 1e-6);
        Map<String, Double> itself = engine.evaluate(TINY);
        assertEquals(1.0, itself.get("cosine"), 1e-6);
    }

    @Test
    void anEngineWithoutDataOrMetricsSaysWhatToAdd() {
        ConfigException noData = assertThrows(ConfigException.class, () -> Engine.local().infer(TINY, 0));
        assertTrue(noData.getMessage().contains("withDataLoader"), noData.getMessage());
        ConfigException noMetric = assertThrows(ConfigException.class,
                () -> Engine.local().withDataLoader(new ReadmeExample.RandomImages(2, 0)).evaluate(TINY));
        assertTrue(noMetric.getMessage().contains("withMetrics"), noMetric.getMessage());
    }

    @Test
    void anEmptyLoaderIsADataError() {
        Engine engine = Engine.local().withDataLoader(new ReadmeExample.RandomImages(0, 0))
                .withMetrics(new ReadmeExample.MeanClassAccuracy());
        DataException e = assertThrows(DataException.class, () -> engine.evaluate(TINY));
        assertTrue(e.getMessage().contains("has no items"), e.getMessage());
    }
}

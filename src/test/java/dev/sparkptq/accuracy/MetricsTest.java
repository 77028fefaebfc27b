package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.config.MetricSpec.Type;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {
    private static final List<TensorInfo> OUTPUTS = List.of(
            new TensorInfo("logits", DType.FLOAT, new long[] {-1, 1000}),
            new TensorInfo("last_hidden_state", DType.FLOAT, new long[] {-1, -1, 384}));

    @Test
    void nullOutputMeansTheFirstOutput() {
        Metric m = Metrics.create(new MetricSpec("acc", Type.ACCURACY, 5, null, null), OUTPUTS);
        assertEquals(new TopKAccuracy("acc", "logits", 5), m);
    }

    @Test
    void buildsEachTypeOnTheNamedOutput() {
        assertEquals(new CosineToFp32("cos", "last_hidden_state", Pooling.MEAN), Metrics.create(
                new MetricSpec("cos", Type.COSINE_TO_FP32, 0, "last_hidden_state", Pooling.MEAN), OUTPUTS));
        assertEquals(new CosineToFp32("cos", "logits", Pooling.NONE), Metrics.create(
                new MetricSpec("cos", Type.COSINE_TO_FP32, 0, "logits", null), OUTPUTS));
        assertEquals(new Top1Agreement("agree", "logits"), Metrics.create(
                new MetricSpec("agree", Type.TOP1_AGREEMENT, 0, "logits", null), OUTPUTS));
    }

    @Test
    void unknownOutputIsAConfigErrorListingTheOutputs() {
        ConfigException e = assertThrows(ConfigException.class, () -> Metrics.create(
                new MetricSpec("acc", Type.ACCURACY, 1, "probs", null), OUTPUTS));
        assertEquals("metric 'acc' reads output 'probs', which the model does not have; its outputs are "
                + "[logits, last_hidden_state]", e.getMessage());
    }

    @Test
    void topKBelowOneIsAConfigError() {
        assertThrows(ConfigException.class, () -> Metrics.create(
                new MetricSpec("acc", Type.ACCURACY, 0, null, null), OUTPUTS));
    }

    @Test
    void meanPoolingOfAnOutputThatIsNotRankThreeIsAConfigError() {
        assertThrows(ConfigException.class, () -> Metrics.create(
                new MetricSpec("cos", Type.COSINE_TO_FP32, 0, "logits", Pooling.MEAN), OUTPUTS));
    }

    @Test
    void missingNameOrTypeIsAConfigError() {
        assertThrows(ConfigException.class, () -> Metrics.create(
                new MetricSpec(" ", Type.ACCURACY, 1, null, null), OUTPUTS));
        assertThrows(ConfigException.class, () -> Metrics.create(
                new MetricSpec("acc", null, 1, null, null), OUTPUTS));
    }

    @Test
    void modelWithoutOutputsIsAModelError() {
        assertThrows(ModelException.class, () -> Metrics.create(
                new MetricSpec("acc", Type.ACCURACY, 1, null, null), List.of()));
    }
}

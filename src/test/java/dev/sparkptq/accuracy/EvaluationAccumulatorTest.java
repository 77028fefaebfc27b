package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluationAccumulatorTest {
    private static final List<Metric> METRICS = List.of(
            new TopKAccuracy("top1", "y", 1),
            new Top1Agreement("agree", "y"),
            new CosineToFp32("cos", "y", Pooling.NONE));

    /** Seeded samples: 4-class logits, a reference that is the output plus noise, random labels. */
    private static List<EvalSample> samples(int n) {
        Random rnd = new Random(11);
        List<EvalSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] y = new float[4];
            float[] ref = new float[4];
            for (int j = 0; j < 4; j++) {
                ref[j] = (float) rnd.nextGaussian();
                y[j] = ref[j] + 0.5f * (float) rnd.nextGaussian();
            }
            out.add(new EvalSample(new SampleId("s" + i), Map.of("y", Tensor.ofFloats(new long[] {1, 4}, y)),
                    Map.of("y", Tensor.ofFloats(new long[] {1, 4}, ref)), Map.of(), rnd.nextInt(4)));
        }
        return out;
    }

    @Test
    void valuesAreMeansOfPerSampleScoresInMetricOrder() {
        List<EvalSample> samples = samples(40);
        EvaluationAccumulator acc = EvaluationAccumulator.of(METRICS);
        samples.forEach(acc::add);
        MetricValues values = acc.values();
        assertEquals(List.of("top1", "agree", "cos"), List.copyOf(values.values().keySet()));
        for (Metric m : METRICS) {
            double mean = samples.stream().mapToDouble(m::perSample).average().orElseThrow();
            assertEquals(mean, values.get(m.name()), 1e-12, m.name());
        }
        assertEquals(40, acc.count());
    }

    @Test
    void splitAndMergeEqualsAllAtOnce() {
        List<EvalSample> samples = samples(50);
        EvaluationAccumulator all = EvaluationAccumulator.of(METRICS);
        samples.forEach(all::add);

        EvaluationAccumulator a = EvaluationAccumulator.of(METRICS);
        EvaluationAccumulator b = EvaluationAccumulator.of(METRICS);
        samples.subList(0, 17).forEach(a::add);
        samples.subList(17, 50).forEach(b::add);
        MetricValues merged = b.merge(a).merge(EvaluationAccumulator.of(METRICS)).values();

        for (Metric m : METRICS) {
            assertEquals(all.values().get(m.name()), merged.get(m.name()), 1e-15, m.name());
        }
    }

    @Test
    void evaluatingNoSamplesIsADataError() {
        assertThrows(DataException.class, () -> EvaluationAccumulator.of(METRICS).values());
    }

    @Test
    void mergingEvaluationsOfDifferentMetricsIsAnInternalError() {
        EvaluationAccumulator a = EvaluationAccumulator.of(METRICS);
        EvaluationAccumulator b = EvaluationAccumulator.of(METRICS.subList(0, 1));
        assertThrows(InternalException.class, () -> a.merge(b));
    }

    @Test
    void duplicateMetricNamesAreAConfigError() {
        assertThrows(ConfigException.class, () -> EvaluationAccumulator.of(
                List.of(new TopKAccuracy("m", "y", 1), new Top1Agreement("m", "y"))));
    }

    @Test
    void unknownMetricInValuesIsAnInternalError() {
        MetricValues values = new MetricValues(Map.of("top1", 0.5));
        assertThrows(InternalException.class, () -> values.get("top5"));
    }
}

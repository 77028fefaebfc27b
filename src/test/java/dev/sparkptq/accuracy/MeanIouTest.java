package dev.sparkptq.accuracy;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeanIouTest {
    private static final MeanIou METRIC = new MeanIou("miou", "y");

    /** [1, C, 1, W] scores whose argmax per pixel is {@code classes[p]} (one-hot). */
    private static Tensor oneHot(int c, int... classes) {
        float[] v = new float[c * classes.length];
        for (int p = 0; p < classes.length; p++) {
            if (classes[p] >= 0) {
                v[classes[p] * classes.length + p] = 1;
            }
        }
        return Tensor.ofFloats(new long[] {1, c, 1, classes.length}, v);
    }

    private static EvalSample sample(Tensor out, Tensor ref, Tensor mask) {
        return new EvalSample(new SampleId("img"), Map.of("y", out), Map.of("y", ref), Map.of(), null, null, mask);
    }

    private static Tensor mask(int... classes) {
        float[] v = new float[classes.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = classes[i];
        }
        return Tensor.ofFloats(new long[] {1, 1, classes.length}, v);
    }

    @Test
    void handComputedIouAgainstALabelMask() {
        // truth 0 0 1 1 2 ; pred 0 1 1 1 0
        // class 0: I=1, U={0,1,4}=3 ; class 1: I=2, U={1,2,3}=3 ; class 2: I=0, U={4}=1
        Tensor out = oneHot(3, 0, 1, 1, 1, 0);
        double expected = (1.0 / 3 + 2.0 / 3 + 0) / 3;
        assertEquals(expected, METRIC.perSample(sample(out, out, mask(0, 0, 1, 1, 2))), 1e-15);
    }

    @Test
    void ignoredLabelsAndAbsentClassesDoNotCount() {
        // pixel 2 labelled 255 is ignored; class 2 never occurs in truth or prediction
        Tensor out = oneHot(3, 0, 1, 0);
        assertEquals(1.0, METRIC.perSample(sample(out, out, mask(0, 1, 255))), 1e-15);
    }

    @Test
    void withoutMasksTheFp32ArgmaxIsTheTruth() {
        Tensor fp32 = oneHot(2, 0, 0, 1, 1);
        Tensor int8 = oneHot(2, 0, 1, 1, 1);
        // class 0: I=1 U=2 ; class 1: I=2 U=3
        assertEquals((0.5 + 2.0 / 3) / 2, METRIC.perSample(sample(int8, fp32, null)), 1e-15);
        assertEquals(1.0, METRIC.perSample(sample(fp32, fp32, null)), 1e-15);
    }

    @Test
    void nanScoresPredictNothing() {
        Tensor out = Tensor.ofFloats(new long[] {1, 2, 1, 2}, new float[] {Float.NaN, 1, 0, 0});
        // pixel 0 NaN (truth 0): union only; pixel 1 predicts 0 (truth 0): I=1. class 0: 1/2
        assertEquals(0.5, METRIC.perSample(sample(out, out, mask(0, 0))), 1e-15);
    }

    @Test
    void datasetValueSumsCountsOverSamplesAndMergesInAnyGrouping() {
        Random rnd = new Random(9);
        List<EvalSample> samples = new ArrayList<>();
        long[] inter = new long[4];
        long[] union = new long[4];
        for (int i = 0; i < 30; i++) {
            int[] pred = new int[6];
            int[] truth = new int[6];
            for (int p = 0; p < 6; p++) {
                pred[p] = rnd.nextInt(4);
                truth[p] = rnd.nextInt(3); // class 3 is only ever predicted
                if (pred[p] == truth[p]) {
                    inter[truth[p]]++;
                    union[truth[p]]++;
                } else {
                    union[truth[p]]++;
                    union[pred[p]]++;
                }
            }
            Tensor out = oneHot(4, pred);
            samples.add(sample(out, out, mask(truth)));
        }
        double expected = 0;
        for (int c = 0; c < 4; c++) {
            expected += (double) inter[c] / union[c] / 4;
        }
        EvaluationAccumulator all = EvaluationAccumulator.of(List.of(METRIC));
        samples.forEach(all::add);
        assertEquals(expected, all.values().get("miou"), 1e-15);
        EvaluationAccumulator a = EvaluationAccumulator.of(List.of(METRIC));
        EvaluationAccumulator b = EvaluationAccumulator.of(List.of(METRIC));
        samples.subList(0, 11).forEach(b::add);
        samples.subList(11, 30).forEach(a::add);
        EvaluationAccumulator empty = EvaluationAccumulator.of(List.of(METRIC));
        assertEquals(expected, empty.merge(a).merge(b).values().get("miou"), 1e-15);
        assertEquals(30, empty.count());
    }

    @Test
    void maskOfTheWrongSizeAndNonFourDimensionalOutputAreDataErrors() {
        Tensor out = oneHot(2, 0, 1);
        assertThrows(DataException.class, () -> METRIC.perSample(sample(out, out, mask(0, 1, 1))));
        Tensor flat = Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 0});
        DataException e = assertThrows(DataException.class, () -> METRIC.perSample(sample(flat, flat, null)));
        assertTrue(e.getMessage().contains("[N, C, H, W]"), e.getMessage());
    }
}

package dev.sparkptq.accuracy;

import dev.sparkptq.accuracy.FidelityAccumulator.Fidelity;
import dev.sparkptq.accuracy.FidelityAccumulator.OutputScore;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FidelityAccumulatorTest {
    private static Tensor t(long[] shape, float... v) {
        return Tensor.ofFloats(shape, v);
    }

    private static Map<String, Tensor> outs(Tensor scores, Tensor boxes) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("scores", scores);
        m.put("boxes", boxes);
        return m;
    }

    private static final long[] VEC = {1, 3};
    private static final long[] MAP = {1, 2, 2};

    /** Sample 1: scores exact, boxes off by 1 in one of 4 values; sample 2: FP32 scores (3,2,1), INT8 flips the argmax. */
    private static FidelityAccumulator twoSamples(Fidelity f) {
        FidelityAccumulator a = new FidelityAccumulator(f);
        a.add(outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 2)), outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 1)));
        a.add(outs(t(VEC, 1, 2, 3), t(MAP, 2, 2, 2, 2)), outs(t(VEC, 3, 2, 1), t(MAP, 2, 2, 2, 2)));
        return a;
    }

    @Test
    void everyOutputGetsHandComputedCosineSqnrAndArgmax() {
        List<OutputScore> s = twoSamples(Fidelity.COSINE).scores();
        assertEquals(List.of("scores", "boxes"), s.stream().map(OutputScore::output).toList());
        OutputScore scores = s.get(0);
        // sample 2: cos((3,2,1), (1,2,3)) = 10/14; mean with the exact sample 1
        assertEquals((1 + 10.0 / 14) / 2, scores.cosine(), 1e-12);
        // signal 14 + 14, noise 0 + (4 + 0 + 4)
        assertEquals(10 * Math.log10(28.0 / 8), scores.sqnrDb(), 1e-9);
        assertEquals(0.5, scores.argmaxAgreement(), 1e-12, "[1,3] scores whose elements share one mean: argmax 0 vs 2 "
                + "on sample 2");
        OutputScore boxes = s.get(1);
        assertEquals((5 / (2 * Math.sqrt(7)) + 1) / 2, boxes.cosine(), 1e-12);
        assertEquals(10 * Math.log10((4 + 16) / 1.0), boxes.sqnrDb(), 1e-9, "signal 4 + 16, noise 1");
        assertNull(boxes.argmaxAgreement(), "[1,2,2] is not one score vector");
        assertEquals(2, boxes.samples());
    }

    @Test
    void theWorstOutputDecidesInEitherMeasure() {
        FidelityAccumulator cos = twoSamples(Fidelity.COSINE);
        assertEquals("scores", cos.worst().output(), "0.857 < 0.972");
        assertEquals(cos.scores().get(0).cosine(), cos.value(), 1e-15);
        FidelityAccumulator sqnr = twoSamples(Fidelity.SQNR);
        assertEquals("scores", sqnr.worst().output(), "5.4 dB < 13 dB");
        assertEquals(8.0 / 28, sqnr.value(), 1e-12, "the noise-to-signal ratio of the worst output");
    }

    @Test
    void mergeEqualsAllAtOnceAndEmptyIsIdentity() {
        FidelityAccumulator all = twoSamples(Fidelity.COSINE);
        FidelityAccumulator a = new FidelityAccumulator(Fidelity.COSINE);
        a.add(outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 2)), outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 1)));
        FidelityAccumulator b = new FidelityAccumulator(Fidelity.COSINE);
        b.add(outs(t(VEC, 1, 2, 3), t(MAP, 2, 2, 2, 2)), outs(t(VEC, 3, 2, 1), t(MAP, 2, 2, 2, 2)));
        FidelityAccumulator merged = new FidelityAccumulator(Fidelity.COSINE);
        merged.merge(b);
        merged.merge(new FidelityAccumulator(Fidelity.COSINE));
        merged.merge(a);
        assertEquals(all.count(), merged.count());
        for (int i = 0; i < 2; i++) {
            assertEquals(all.scores().get(i).cosine(), merged.scores().get(i).cosine(), 1e-15);
            assertEquals(all.scores().get(i).sqnrDb(), merged.scores().get(i).sqnrDb(), 1e-12);
        }
        assertTrue(Double.isNaN(new FidelityAccumulator(Fidelity.COSINE).value()), "empty: no value");
        assertThrows(dev.sparkptq.core.InternalException.class,
                () -> merged.merge(new FidelityAccumulator(Fidelity.SQNR)), "measures must match");
    }

    @Test
    void exactOutputsHaveInfiniteSqnrAndFp32ScoresPerfectly() {
        FidelityAccumulator a = new FidelityAccumulator(Fidelity.SQNR);
        Map<String, Tensor> o = outs(t(VEC, 1, 2, 3), t(MAP, 0, 0, 0, 0));
        a.add(o, o);
        assertEquals(Double.POSITIVE_INFINITY, a.scores().get(0).sqnrDb());
        assertEquals(0.0, a.value(), "FP32 against itself: no noise");
        assertEquals(1.0, a.scores().get(1).cosine(), "two zero vectors are identical");
        FidelityAccumulator silent = new FidelityAccumulator(Fidelity.SQNR);
        silent.add(outs(t(VEC, 1, 2, 3), t(MAP, 0, 0, 0, 1e-3f)), o);
        assertEquals(Double.POSITIVE_INFINITY, silent.value(), "noise on a silent output: infinitely bad");
    }

    @Test
    void theMetricReadsEveryOutputAndItsDropIsOneMinusTheWorstCosine() {
        List<TensorInfo> outputs = List.of(new TensorInfo("scores", DType.FLOAT, VEC),
                new TensorInfo("boxes", DType.FLOAT, MAP));
        Metric m = Metrics.create(new MetricSpec("fidelity_cosine", MetricSpec.Type.FIDELITY_COSINE, 1, null,
                MetricSpec.Pooling.NONE), outputs);
        assertEquals(List.of("scores", "boxes"), ((OutputFidelity) m).outputs());
        assertTrue(m.higherBetter());
        Map<String, Tensor> ref = outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 1));
        Map<String, Tensor> q = outs(t(VEC, 1, 2, 3), t(MAP, 1, 1, 1, 2));
        EvalSample s = new EvalSample(new SampleId("s0"), q, ref, Map.of(), null);
        double cos = 5 / (2 * Math.sqrt(7));
        assertEquals(cos, m.perSample(s), 1e-12, "per sample: the boxes' cosine, the worse of the two");
        EvaluationAccumulator acc = EvaluationAccumulator.of(List.of(m));
        acc.add(s);
        EvaluationAccumulator fp32 = EvaluationAccumulator.of(List.of(m));
        fp32.add(EvalSample.ofFp32(new SampleId("s0"), ref, Map.of(), null));
        assertEquals(1 - cos, Drop.absolute(m, fp32.values(), acc.values()), 1e-12);
        Metric sqnr = Metrics.create(new MetricSpec("n", MetricSpec.Type.FIDELITY_SQNR, 1, "boxes",
                MetricSpec.Pooling.NONE), outputs);
        assertFalse(sqnr.higherBetter());
        assertEquals(List.of("boxes"), ((OutputFidelity) sqnr).outputs(), "an output named: only that one");
        assertEquals(1.0 / 4, sqnr.perSample(s), 1e-12, "noise 1 over signal 4");
    }
    private static final long[] ONE = {1, 1};
    private static final long[] PAIR = {1, 2};

    private static Map<String, Tensor> one(String name, Tensor t) {
        return Map.of(name, t);
    }

    @Test
    void oneValuePerSampleIsComparedAcrossSamplesNotBySign() {
        FidelityAccumulator a = new FidelityAccumulator(Fidelity.COSINE);
        // FP32 face scores 3 and 1, INT8 3 and 2: same sign every time (per-sample cosine 1 and 1)
        a.add(one("score", t(ONE, 3)), one("score", t(ONE, 3)));
        a.add(one("score", t(ONE, 2)), one("score", t(ONE, 1)));
        OutputScore s = a.scores().get(0);
        assertTrue(s.pooled());
        assertEquals(11 / Math.sqrt(10 * 13), s.cosine(), 1e-12, "cos((3,1), (3,2)) across the two samples");
        assertEquals(s.cosine(), a.value(), 1e-15, "the pooled cosine is what accuracy-aware search reads");
        assertEquals(10.0, s.sqnrDb(), 1e-9, "signal 9 + 1, noise 0 + 1");
        assertNull(s.argmaxAgreement(), "one value has no argmax");
        FidelityAccumulator halves = new FidelityAccumulator(Fidelity.COSINE);
        FidelityAccumulator second = new FidelityAccumulator(Fidelity.COSINE);
        second.add(one("score", t(ONE, 2)), one("score", t(ONE, 1)));
        FidelityAccumulator first = new FidelityAccumulator(Fidelity.COSINE);
        first.add(one("score", t(ONE, 3)), one("score", t(ONE, 3)));
        halves.merge(second);
        halves.merge(first);
        assertEquals(s.cosine(), halves.value(), 1e-15, "pooled sums merge exactly");
        FidelityAccumulator flipped = new FidelityAccumulator(Fidelity.COSINE);
        flipped.add(one("score", t(ONE, -1)), one("score", t(ONE, 1)));
        flipped.add(one("score", t(ONE, 3)), one("score", t(ONE, 3)));
        assertEquals(8 / 10.0, flipped.value(), 1e-12, "one flipped sign of a small score costs little");
        FidelityAccumulator sqnr = new FidelityAccumulator(Fidelity.SQNR);
        sqnr.add(one("score", t(ONE, 3)), one("score", t(ONE, 3)));
        sqnr.add(one("score", t(ONE, 2)), one("score", t(ONE, 1)));
        assertEquals(0.1, sqnr.value(), 1e-12, "fidelity_sqnr pools the energies too: noise 1 over signal 10");
        assertFalse(twoSamples(Fidelity.COSINE).scores().get(1).pooled(), "a map keeps per-sample cosines");
    }

    @Test
    void argmaxAgreementOnlyForClassScoresNotForValuesInALayout() {
        FidelityAccumulator layout = new FidelityAccumulator(Fidelity.COSINE);
        // a landmark-like pair: element 1 is always about 10 above element 0 (means 1 and 11, each varies by ±1)
        layout.add(one("xy", t(PAIR, 0, 10)), one("xy", t(PAIR, 0, 10)));
        layout.add(one("xy", t(PAIR, 2, 12)), one("xy", t(PAIR, 2, 12)));
        assertNull(layout.scores().get(0).argmaxAgreement(), "index explains 25/26 of the variance: a layout");
        FidelityAccumulator logits = new FidelityAccumulator(Fidelity.COSINE);
        logits.add(one("logits", t(PAIR, 0, 10)), one("logits", t(PAIR, 0, 10)));
        logits.add(one("logits", t(PAIR, 0, 10)), one("logits", t(PAIR, 10, 0)));
        assertEquals(0.5, logits.scores().get(0).argmaxAgreement(), 1e-12,
                "both elements have mean 5 over the inputs: exchangeable scores, sample 2 disagrees");
        FidelityAccumulator probs = new FidelityAccumulator(Fidelity.COSINE);
        probs.add(one("p", t(PAIR, 0.9f, 0.1f)), one("p", t(PAIR, 0.99f, 0.01f)));
        probs.add(one("p", t(PAIR, 0.4f, 0.6f)), one("p", t(PAIR, 0.98f, 0.02f)));
        assertEquals(0.5, probs.scores().get(0).argmaxAgreement(), 1e-12,
                "Softmax outputs are class scores even when every input is of one class");
        FidelityAccumulator single = new FidelityAccumulator(Fidelity.COSINE);
        single.add(one("logits", t(PAIR, 0, 10)), one("logits", t(PAIR, 0, 10)));
        assertNull(single.scores().get(0).argmaxAgreement(), "one sample cannot show the elements are alike");
        FidelityAccumulator merged = new FidelityAccumulator(Fidelity.COSINE);
        FidelityAccumulator part = new FidelityAccumulator(Fidelity.COSINE);
        part.add(one("logits", t(PAIR, 0, 10)), one("logits", t(PAIR, 10, 0)));
        merged.merge(single);
        merged.merge(part);
        assertEquals(0.5, merged.scores().get(0).argmaxAgreement(), 1e-12, "element sums merge");
    }
}

package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.OutputDistance;
import dev.sparkptq.config.AccuracyAwareSpec.Distance;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AnnotationFreeTest {
    private static Tensor logits(float... v) {
        return Tensor.ofFloats(new long[]{1, v.length}, v);
    }

    @Test
    void fp32TopClassIsTheLabelWhenConfidentEnough() {
        // softmax of (0, 0, 3): e^3 / (2 + e^3) = 0.909
        assertEquals(2, CandidateWorker.fp32Label(logits(0, 0, 3), 0.6));
        assertNull(CandidateWorker.fp32Label(logits(0, 0, 3), 0.95), "0.909 < 0.95: the sample is skipped");
    }

    @Test
    void outputDistancesMatchHandComputedValues() {
        Tensor a = logits(1, 0);
        Tensor b = logits(0, 1);
        assertEquals(1.0, OutputDistance.of(Distance.COSINE, a, b), 1e-12, "orthogonal: 1 - 0");
        assertEquals(1.0, OutputDistance.of(Distance.MSE, a, b), 1e-12, "((1)^2 + (1)^2) / 2");
        double p = Math.exp(1) / (1 + Math.exp(1));
        double kl = p * Math.log(p / (1 - p)) + (1 - p) * Math.log((1 - p) / p);
        assertEquals(kl, OutputDistance.of(Distance.KL, a, b), 1e-12);
        assertEquals(0.0, OutputDistance.of(Distance.KL, a, a), 1e-12);
    }
}

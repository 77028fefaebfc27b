package dev.sparkptq.accuracy;

import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CosineToFp32Test {
    private static final CosineToFp32 FLAT = new CosineToFp32("cos", "y", Pooling.NONE);
    private static final CosineToFp32 MEAN = new CosineToFp32("cos", "y", Pooling.MEAN);

    static Stream<Arguments> flatCases() {
        float nan = Float.NaN;
        return Stream.of(
                Arguments.of(new float[] {1, 2, 3}, new float[] {1, 2, 3}, 1.0),
                Arguments.of(new float[] {1, 2, 3}, new float[] {2, 4, 6}, 1.0),        // scale-invariant
                Arguments.of(new float[] {1, 0}, new float[] {0, 1}, 0.0),             // orthogonal
                Arguments.of(new float[] {1, 0}, new float[] {-3, 0}, -1.0),           // opposite
                Arguments.of(new float[] {1, 1}, new float[] {1, 0}, 1 / Math.sqrt(2)),
                Arguments.of(new float[] {3, 4}, new float[] {4, 3}, 24.0 / 25.0),
                Arguments.of(new float[] {0, 0}, new float[] {0, 0}, 1.0),             // both zero: identical
                Arguments.of(new float[] {0, 0}, new float[] {1, 0}, 0.0),             // one zero
                Arguments.of(new float[] {nan, 1}, new float[] {1, 1}, 0.0));          // non-finite
    }

    @ParameterizedTest
    @MethodSource("flatCases")
    void flatCosineMatchesHandComputedValues(float[] out, float[] ref, double expected) {
        assertEquals(expected, FLAT.perSample(Samples.pair(Samples.vec(out), Samples.vec(ref))), 1e-7);
    }

    /** Tokens [1,0], [0,1], [100,100] vs [1,0], [1,0], [-5,7]; the third token is padding. */
    private static Tensor seq(float... v) {
        return Tensor.ofFloats(new long[] {1, 3, 2}, v);
    }

    private static final Tensor OUT = seq(1, 0, 0, 1, 100, 100);
    private static final Tensor REF = seq(1, 0, 1, 0, -5, 7);

    @Test
    void meanPoolingWeightsTokensByTheAttentionMask() {
        // masked means: out [0.5, 0.5], ref [1, 0] -> cos = 0.5 / (sqrt(0.5) * 1) = 1/sqrt(2)
        Tensor mask = Tensor.ofLongs(new long[] {1, 3}, new long[] {1, 1, 0});
        double cos = MEAN.perSample(Samples.pair(OUT, REF, Map.of(CosineToFp32.ATTENTION_MASK, mask)));
        assertEquals(1 / Math.sqrt(2), cos, 1e-12);
    }

    @Test
    void meanPoolingWithoutAMaskAveragesEveryToken() {
        // means: out [101/3, 101/3], ref [-1, 7/3] -> cos = (4/3) / (sqrt(2) * sqrt(58)/3) = 4 / sqrt(116)
        double cos = MEAN.perSample(Samples.pair(OUT, REF, Map.of()));
        assertEquals(4 / Math.sqrt(116), cos, 1e-7);
    }

    @Test
    void allZeroMaskIsADataError() {
        Tensor mask = Tensor.ofLongs(new long[] {1, 3}, new long[] {0, 0, 0});
        DataException e = assertThrows(DataException.class,
                () -> MEAN.perSample(Samples.pair(OUT, REF, Map.of(CosineToFp32.ATTENTION_MASK, mask))));
        assertTrue(e.getMessage().contains("all zeros"), e.getMessage());
    }

    @Test
    void maskOfTheWrongLengthIsADataError() {
        Tensor mask = Tensor.ofLongs(new long[] {1, 2}, new long[] {1, 1});
        assertThrows(DataException.class,
                () -> MEAN.perSample(Samples.pair(OUT, REF, Map.of(CosineToFp32.ATTENTION_MASK, mask))));
    }

    @Test
    void meanPoolingOfARankTwoOutputIsADataError() {
        assertThrows(DataException.class,
                () -> MEAN.perSample(Samples.pair(Samples.vec(1, 2), Samples.vec(1, 2))));
    }

    @Test
    void outputAndReferenceOfDifferentSizesIsAnInternalError() {
        assertThrows(InternalException.class,
                () -> FLAT.perSample(Samples.pair(Samples.vec(1, 2), Samples.vec(1, 2, 3))));
    }

    @Test
    void fp32AgainstItselfScoresOne() {
        var sample = EvalSample.ofFp32(new SampleId("s"), Map.of("y", OUT), Map.of(), null);
        assertEquals(1.0, MEAN.perSample(sample), 1e-12);
    }
}

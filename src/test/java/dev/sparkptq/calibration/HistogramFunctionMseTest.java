package dev.sparkptq.calibration;

import dev.sparkptq.config.HistogramEstimatorSpec.Method;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.stats.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranges for a tensor read only through a SiLU: judged by the error of {@code silu(x)} after actually quantizing
 * {@code x} (ONNX rounding, uint8 asymmetric), computed on the raw values — independently of the histogram model.
 */
class HistogramFunctionMseTest {

    /** A SiLU input shaped like a detector's conv output: mostly [-3, 4], rare −100 and +60 outliers. */
    static float[] siluInput(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double r = rnd.nextDouble();
            x[i] = (float) (r < 0.002 ? -100 + 5 * rnd.nextDouble() : r < 0.003 ? 55 + 5 * rnd.nextDouble()
                    : 0.5 + 1.2 * rnd.nextGaussian());
        }
        return x;
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** Sum of squared errors of {@code silu} after quantizing {@code x} to [a, b] with 8-bit asymmetric levels. */
    static double siluError(float[] x, double a, double b) {
        double scale = (b - a) / 255;
        long zp = Math.round(-a / scale);
        double sum = 0;
        for (float v : x) {
            long q = Math.max(0, Math.min(255, Math.round(v / scale) + zp));
            double d = silu(v) - silu((q - zp) * scale);
            sum += d * d;
        }
        return sum;
    }

    private static Range range(float[] x, ConsumerFunction f, Method method) {
        return range(x, f, method, null);
    }

    private static Range range(float[] x, ConsumerFunction f, Method method, Range clip) {
        TensorQuantSpec spec = HistogramRangesTest.spec(QuantScheme.ASYMMETRIC, method, 2048, 99.999);
        Range ext = HistogramRangesTest.extremes(x, QuantScheme.ASYMMETRIC);
        Histogram h = HistogramRangesTest.histogram(HistogramRanges.histogramSpec("t", spec, ext), x);
        return HistogramRanges.range("t", spec, ext, h, f, clip);
    }

    @Test
    void siluRangeIsNearTheBruteForceOptimumOfTheSiluOutputError() {
        float[] x = siluInput(11, 10_000);
        Range r = range(x, ConsumerFunction.SILU, Method.MSE);
        double chosen = siluError(x, r.min(0), r.max(0));
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 50; i++) {
            for (int j = 1; j <= 80; j++) {
                best = Math.min(best, siluError(x, -101.0 * i / 50, 61.0 * j / 80));
            }
        }
        assertTrue(chosen <= best * 1.10, "chosen " + chosen + " vs grid optimum " + best + " for " + r);
    }

    @Test
    void siluRangeClipsTheNegativeTailItsReadersMapToZeroAndKeepsThePositiveOne() {
        float[] x = siluInput(12, 10_000);
        Range r = range(x, ConsumerFunction.SILU, Method.MSE);
        assertTrue(r.min(0) > -20, "the −100 outliers become silu ≈ 0 anyway: " + r);
        assertTrue(r.max(0) > 50, "the +60 outliers pass through silu unchanged: " + r);
    }

    @Test
    void siluRangeBeatsEveryTensorErrorMethodOnTheSiluOutput() {
        float[] x = siluInput(13, 10_000);
        Range silu = range(x, ConsumerFunction.SILU, Method.KL);
        double e = siluError(x, silu.min(0), silu.max(0));
        for (Method m : Method.values()) {
            Range own = range(x, ConsumerFunction.IDENTITY, m);
            double other = siluError(x, own.min(0), own.max(0));
            assertTrue(e < other, m + ": silu-aware error " + e + " vs " + other + " (" + silu + " vs " + own + ")");
        }
    }

    @Test
    void aClippedReaderOutputLimitsTheRangeToWhatSurvivesTheClip() {
        float[] x = siluInput(15, 10_000);
        Range clip = Range.of(-0.28, 3.0);
        Range r = range(x, ConsumerFunction.SILU, Method.MSE, clip);
        assertTrue(r.max(0) < 4.0 && r.max(0) > 2.5, "silu(x) above 3 is clipped next anyway: " + r);
        double chosen = clippedSiluError(x, r.min(0), r.max(0), 3.0);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 60; i++) {
            for (int j = 1; j <= 60; j++) {
                best = Math.min(best, clippedSiluError(x, -12.0 * i / 60, 6.0 * j / 60, 3.0));
            }
        }
        assertTrue(chosen <= best * 1.10, "chosen " + chosen + " vs grid optimum " + best + " for " + r);
    }

    private static double clippedSiluError(float[] x, double a, double b, double top) {
        double scale = (b - a) / 255;
        long zp = Math.round(-a / scale);
        double sum = 0;
        for (float v : x) {
            long q = Math.max(0, Math.min(255, Math.round(v / scale) + zp));
            double d = Math.min(top, silu(v)) - Math.min(top, silu((q - zp) * scale));
            sum += d * d;
        }
        return sum;
    }

    @Test
    void identityKeepsTheConfiguredMethod() {
        float[] x = siluInput(14, 10_000);
        TensorQuantSpec spec = HistogramRangesTest.spec(QuantScheme.ASYMMETRIC, Method.KL, 2048, 99.999);
        Range ext = HistogramRangesTest.extremes(x, QuantScheme.ASYMMETRIC);
        Histogram h = HistogramRangesTest.histogram(HistogramRanges.histogramSpec("t", spec, ext), x);
        assertEquals(HistogramRanges.range("t", spec, ext, h), HistogramRanges.range("t", spec, ext, h,
                ConsumerFunction.IDENTITY, null));
    }

    @Test
    void siluDerivativeMatchesFiniteDifferences() {
        for (double x = -12; x <= 12; x += 0.37) {
            double fd = (ConsumerFunction.SILU.apply(x + 1e-5) - ConsumerFunction.SILU.apply(x - 1e-5)) / 2e-5;
            assertEquals(fd, ConsumerFunction.SILU.derivative(x), 1e-6, "x = " + x);
            assertEquals(silu(x), ConsumerFunction.SILU.apply(x), 1e-12);
        }
    }
}

package dev.sparkptq.calibration;

import dev.sparkptq.config.HistogramEstimatorSpec;
import dev.sparkptq.config.HistogramEstimatorSpec.Method;
import dev.sparkptq.config.RangeEstimatorSpec;
import dev.sparkptq.config.RangeEstimatorSpec.Aggregator;
import dev.sparkptq.config.RangeEstimatorSpec.StatType;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.HistogramAccumulator;
import dev.sparkptq.stats.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ranges chosen on histograms, each method against an independent reference computed on the raw values (actual
 * fake quantization for mse, sorted values for percentile).
 */
class HistogramRangesTest {

    static TensorQuantSpec spec(QuantScheme mode, Method method, int bins, double percentile) {
        return spec(8, mode, Granularity.PER_TENSOR, method, bins, percentile);
    }

    static TensorQuantSpec spec(int bits, QuantScheme mode, Granularity granularity, Method method, int bins,
                                double percentile) {
        return new TensorQuantSpec(bits, mode, granularity, null, null, new RangeEstimatorSpec(
                new RangeEstimatorSpec.StatisticSpec(StatType.MIN, Aggregator.MIN, null, null),
                new RangeEstimatorSpec.StatisticSpec(StatType.MAX, Aggregator.MAX, null, null),
                new HistogramEstimatorSpec(method, bins, percentile)));
    }

    /** Gaussian values (mean {@code shift}, sd 1) with {@code outliers} values at ±{@code outlier}. */
    static float[] gaussianWithOutliers(long seed, int n, double shift, int outliers, double outlier) {
        Random rnd = new Random(seed);
        float[] x = new float[n + outliers];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (shift + rnd.nextGaussian());
        }
        for (int i = 0; i < outliers; i++) {
            x[n + i] = (float) (i % 2 == 0 ? outlier : -outlier);
        }
        return x;
    }

    /** The pass-1 range as RangeEstimators gives it for min/min and max/max. */
    static Range extremes(float[] x, QuantScheme mode) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (mode == QuantScheme.ASYMMETRIC) {
            return Range.of(lo, hi);
        }
        double m = Math.max(Math.abs(lo), Math.abs(hi));
        return lo < 0 ? Range.of(-m, m) : Range.of(0, m);
    }

    static Histogram histogram(HistogramSpec spec, float[] x) {
        HistogramAccumulator a = new HistogramAccumulator(spec);
        a.add(x);
        return a.result();
    }

    /** Sum of squared errors of actually quantizing {@code x} to [a, b] with {@code bits}-bit levels (ONNX rules). */
    static double quantError(float[] x, double a, double b, QuantScheme mode, boolean signed, int bits) {
        long top = (1L << bits) - 1;
        long half = 1L << (bits - 1);
        double scale;
        long zp = 0;
        long qmin = signed ? -half : 0;
        long qmax = signed ? half - 1 : top;
        if (mode == QuantScheme.SYMMETRIC) {
            scale = b / qmax;
        } else {
            scale = (b - a) / top;
            zp = Math.round(-a / scale);
        }
        double sum = 0;
        for (float v : x) {
            long q = Math.max(qmin, Math.min(qmax, Math.round(v / scale) + zp));
            double d = v - (q - zp) * scale;
            sum += d * d;
        }
        return sum;
    }

    static double quantError(float[] x, double a, double b, QuantScheme mode, boolean signed) {
        return quantError(x, a, b, mode, signed, 8);
    }

    /** Laplace(0, 1) values: heavy tails, where clipping pays. */
    static float[] laplace(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble() - 0.5;
            x[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        return x;
    }

    @ParameterizedTest(name = "{0} bits, {1} bins, seed {2}")
    @CsvSource({"8, 1024, 1", "8, 256, 2", "4, 512, 3", "6, 512, 4"})
    void mseSymmetricMatchesBruteForceQuantizationError(int bits, int bins, long seed) {
        float[] x = laplace(seed, 20_000);
        TensorQuantSpec spec = spec(bits, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, Method.MSE, bins, 99.999);
        Range ext = extremes(x, QuantScheme.SYMMETRIC);
        Histogram h = histogram(HistogramRanges.histogramSpec("t", spec, ext), x);
        Range r = HistogramRanges.range("t", spec, ext, h);
        double t = r.max(0);
        assertEquals(-t, r.min(0), "signed data, symmetric range");

        // reference 1: the error model (Δ²/12 inside, squared distance outside) evaluated on the raw values
        double levels = (1 << (bits - 1)) - 1;
        int modelJ = 1;
        double modelBest = Double.POSITIVE_INFINITY;
        // reference 2: the actual fake-quantization error on the raw values
        double bestErr = Double.POSITIVE_INFINITY;
        for (int j = 1; j <= h.bins(); j++) {
            double c = h.edge(j);
            double model = 0;
            for (float v : x) {
                double over = Math.abs(v) - c;
                model += over > 0 ? over * over : c * c / (levels * levels) / 12;
            }
            if (model < modelBest) {
                modelBest = model;
                modelJ = j;
            }
            bestErr = Math.min(bestErr, quantError(x, -c, c, QuantScheme.SYMMETRIC, true, bits));
        }
        double chosenErr = quantError(x, -t, t, QuantScheme.SYMMETRIC, true, bits);
        assertTrue(Math.abs(t - h.edge(modelJ)) <= h.width() * 1.0001,
                "chosen " + t + " vs brute-force optimum " + h.edge(modelJ) + " (bin " + h.width() + ")");
        assertTrue(chosenErr <= bestErr * 1.02, "error " + chosenErr + " vs brute-force optimum " + bestErr);
        double fullRangeErr = quantError(x, -ext.max(0), ext.max(0), QuantScheme.SYMMETRIC, true, bits);
        assertTrue(chosenErr < fullRangeErr, "clipping pays: " + chosenErr + " vs " + fullRangeErr);
    }

    @Test
    void mseAsymmetricMatchesBruteForceOverBothEnds() {
        float[] x = gaussianWithOutliers(2, 20_000, 1.5, 0, 0);
        x = Arrays.copyOf(x, x.length + 4);
        x[x.length - 4] = 14f;
        x[x.length - 3] = 15f;
        x[x.length - 2] = -6f;
        x[x.length - 1] = -5.5f;
        TensorQuantSpec spec = spec(QuantScheme.ASYMMETRIC, Method.MSE, 128, 99.999);
        Range ext = extremes(x, QuantScheme.ASYMMETRIC);
        Histogram h = histogram(HistogramRanges.histogramSpec("t", spec, ext), x);
        Range r = HistogramRanges.range("t", spec, ext, h);

        int zero = (int) Math.floor(-h.low() / h.width());
        double bestErr = Double.POSITIVE_INFINITY;
        double bestA = 0;
        double bestB = 0;
        for (int i = 0; i <= zero; i++) {
            for (int j = zero + 1; j <= h.bins(); j++) {
                double err = quantError(x, h.edge(i), h.edge(j), QuantScheme.ASYMMETRIC, false);
                if (err < bestErr) {
                    bestErr = err;
                    bestA = h.edge(i);
                    bestB = h.edge(j);
                }
            }
        }
        double chosenErr = quantError(x, r.min(0), r.max(0), QuantScheme.ASYMMETRIC, false);
        assertTrue(Math.abs(r.min(0) - bestA) <= h.width() * 1.0001, r + " vs brute-force low " + bestA);
        assertTrue(Math.abs(r.max(0) - bestB) <= h.width() * 1.0001, r + " vs brute-force high " + bestB);
        assertTrue(chosenErr <= bestErr * 1.03, "error " + chosenErr + " vs optimum " + bestErr);
    }

    @Test
    void mseKeepsTheFullRangeWhenNothingIsWorthClipping() {
        Random rnd = new Random(4);
        float[] x = new float[10_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 3);
        }
        TensorQuantSpec spec = spec(QuantScheme.SYMMETRIC, Method.MSE, 2048, 99.999);
        Range ext = extremes(x, QuantScheme.SYMMETRIC);
        Range r = HistogramRanges.range("t", spec, ext, histogram(HistogramRanges.histogramSpec("t", spec, ext), x));
        assertEquals(0.0, r.min(0), "non-negative data: unsigned [0, t]");
        assertTrue(r.max(0) > 0.98 * ext.max(0), r + " vs " + ext);
    }

    @Test
    void percentileMatchesSortedValuesWithinOneBin() {
        float[] x = gaussianWithOutliers(3, 30_000, 0.3, 10, 12);
        for (double p : new double[] {99.0, 99.9, 99.99}) {
            TensorQuantSpec sym = spec(QuantScheme.SYMMETRIC, Method.PERCENTILE, 2048, p);
            Range ext = extremes(x, QuantScheme.SYMMETRIC);
            Histogram h = histogram(HistogramRanges.histogramSpec("t", sym, ext), x);
            Range r = HistogramRanges.range("t", sym, ext, h);
            double[] abs = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                abs[i] = Math.abs(x[i]);
            }
            Arrays.sort(abs);
            double expected = abs[(int) Math.ceil(p / 100 * abs.length) - 1];
            assertEquals(expected, r.max(0), h.width(), "symmetric p=" + p);
            assertEquals(-r.max(0), r.min(0));

            TensorQuantSpec asym = spec(QuantScheme.ASYMMETRIC, Method.PERCENTILE, 2048, p);
            Range extA = extremes(x, QuantScheme.ASYMMETRIC);
            Histogram hA = histogram(HistogramRanges.histogramSpec("t", asym, extA), x);
            Range rA = HistogramRanges.range("t", asym, extA, hA);
            double[] sorted = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                sorted[i] = x[i];
            }
            Arrays.sort(sorted);
            double tail = (1 - p / 100) / 2;
            double lo = sorted[(int) Math.floor(tail * sorted.length)];
            double hi = sorted[(int) Math.ceil((1 - tail) * sorted.length) - 1];
            assertEquals(lo, rA.min(0), hA.width(), "asymmetric low p=" + p);
            assertEquals(hi, rA.max(0), hA.width(), "asymmetric high p=" + p);
        }
    }

    @Test
    void percentileOfAHundredIsTheExtremesAndZeroIsAlwaysInside() {
        Random rnd = new Random(9);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 + rnd.nextDouble() * 3); // [2, 5): 0 is not in the data
        }
        TensorQuantSpec all = spec(QuantScheme.ASYMMETRIC, Method.PERCENTILE, 256, 100);
        Range ext = extremes(x, QuantScheme.ASYMMETRIC);
        Histogram h = histogram(HistogramRanges.histogramSpec("t", all, ext), x);
        assertEquals(0.0, h.low(), "the histogram of an asymmetric range starts at 0 or below");
        assertEquals(ext, HistogramRanges.range("t", all, ext, h));
        for (Method m : Method.values()) {
            TensorQuantSpec s = spec(QuantScheme.ASYMMETRIC, m, 1024, 99.0);
            Range r = HistogramRanges.range("t", s, ext, histogram(HistogramRanges.histogramSpec("t", s, ext), x));
            assertEquals(0.0, r.min(0), m + " " + r);
            assertTrue(r.max(0) > 4 && r.max(0) <= ext.max(0), m + " " + r);
        }
    }

    @Test
    void klClipsTheOutliersOfAGaussianButKeepsItsBulk() {
        float[] x = gaussianWithOutliers(5, 100_000, 0, 40, 40);
        for (QuantScheme mode : QuantScheme.values()) {
            // asymmetric ranges have twice the levels of signed magnitudes: they need finer bins to see the bulk
            TensorQuantSpec spec = spec(mode, Method.KL, mode == QuantScheme.SYMMETRIC ? 2048 : 8192, 99.999);
            Range ext = extremes(x, mode);
            Range r = HistogramRanges.range("t", spec, ext, histogram(HistogramRanges.histogramSpec("t", spec, ext),
                    x));
            assertTrue(r.max(0) > 2.5 && r.max(0) < 10, mode + " " + r);
            assertTrue(r.min(0) < -2.5 && r.min(0) > -10, mode + " " + r);
        }
    }

    @Test
    void klOnUniformDataKeepsNearlyTheWholeRange() {
        Random rnd = new Random(6);
        float[] x = new float[50_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        TensorQuantSpec spec = spec(QuantScheme.SYMMETRIC, Method.KL, 2048, 99.999);
        Range ext = extremes(x, QuantScheme.SYMMETRIC);
        Range r = HistogramRanges.range("t", spec, ext, histogram(HistogramRanges.histogramSpec("t", spec, ext), x));
        assertTrue(r.max(0) > 0.9, r.toString());
    }

    @Test
    void exactZerosDoNotMoveMseOrKlRanges() {
        float[] values = laplace(8, 20_000);
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.abs(values[i]); // a ReLU-like, non-negative tensor
        }
        float[] withZeros = Arrays.copyOf(values, values.length * 2); // as many exact zeros as values
        for (Method m : new Method[] {Method.MSE, Method.KL}) {
            for (QuantScheme mode : QuantScheme.values()) {
                TensorQuantSpec spec = spec(mode, m, 2048, 99.999);
                Range ext = extremes(withZeros, mode);
                HistogramSpec hs = HistogramRanges.histogramSpec("t", spec, ext);
                assertEquals(hs, HistogramRanges.histogramSpec("t", spec, extremes(values, mode)), "same edges");
                Range without = HistogramRanges.range("t", spec, ext, histogram(hs, values));
                Range with = HistogramRanges.range("t", spec, ext, histogram(hs, withZeros));
                assertEquals(without, with, m + " " + mode);
                assertEquals(0.0, with.min(0));
            }
        }
    }

    @Test
    void aConstantZeroTensorKeepsItsExtremes() {
        float[] x = new float[100];
        for (Method m : Method.values()) {
            for (QuantScheme mode : QuantScheme.values()) {
                TensorQuantSpec spec = spec(mode, m, 512, 99.0);
                Range ext = extremes(x, mode);
                Histogram h = histogram(HistogramRanges.histogramSpec("t", spec, ext), x);
                assertEquals(Range.of(0, 0), HistogramRanges.range("t", spec, ext, h));
            }
        }
    }

    @Test
    void symmetricHistogramsCountMagnitudesOverTheLargerExtreme() {
        TensorQuantSpec spec = spec(QuantScheme.SYMMETRIC, Method.MSE, 2048, 99.999);
        HistogramSpec hs = HistogramRanges.histogramSpec("t", spec, Range.of(-3, 3));
        assertEquals(new HistogramSpec("t", HistogramSpec.Domain.MAGNITUDES, 0, 3, 2048), hs);
        TensorQuantSpec asym = spec(QuantScheme.ASYMMETRIC, Method.MSE, 300, 99.999);
        assertEquals(new HistogramSpec("t", HistogramSpec.Domain.VALUES, -1, 4, 300),
                HistogramRanges.histogramSpec("t", asym, Range.of(-1, 4)));
        assertTrue(HistogramRanges.applies(spec));
        assertFalse(HistogramRanges.applies(new TensorQuantSpec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR,
                null, null, new RangeEstimatorSpec(null, spec.rangeEstimator().max()))));
    }

    @Test
    void validationRefusesPerChannelAndKlWithFewerThanEightBinsPerLevel() {
        ConfigException perChannel = assertThrows(ConfigException.class, () -> HistogramRanges.validate("t",
                spec(8, QuantScheme.SYMMETRIC, Granularity.PER_CHANNEL, Method.MSE, 2048, 99.999)));
        assertTrue(perChannel.getMessage().contains("per tensor"), perChannel.getMessage());
        ConfigException wide = assertThrows(ConfigException.class, () -> HistogramRanges.validate("t",
                spec(16, QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR, Method.KL, 65536, 99.999)));
        assertTrue(wide.getMessage().contains("65536 quantization levels needs at least 524288 bins"),
                wide.getMessage());
        ConfigException coarse = assertThrows(ConfigException.class, () -> HistogramRanges.validate("t",
                spec(8, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, Method.KL, 1024, 99.999)));
        assertTrue(coarse.getMessage().contains("256 quantization levels needs at least 2048 bins, got 1024"),
                coarse.getMessage());
        HistogramRanges.validate("t", spec(8, QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR, Method.KL, 2048, 99));
        HistogramRanges.validate("t", spec(4, QuantScheme.ASYMMETRIC, Granularity.PER_TENSOR, Method.KL, 128, 99));
        HistogramRanges.validate("t", spec(16, QuantScheme.SYMMETRIC, Granularity.PER_TENSOR, Method.MSE, 128, 99));
    }
}

package dev.sparkptq.calibration;

import dev.sparkptq.core.Granularity;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerwiseRoundingTest {

    /** H = Σ x xᵀ of {@code n} seeded vectors with strongly correlated features (x = A z, z standard normal). */
    static double[] correlatedGram(int d, int n, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a[i][j] = r.nextGaussian() * (i == j ? 1 : 0.6);
            }
        }
        double[] h = new double[d * d];
        double[] x = new double[d];
        for (int s = 0; s < n; s++) {
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {
                z[i] = r.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                x[i] = 0;
                for (int j = 0; j < d; j++) {
                    x[i] += a[i][j] * z[j];
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += x[i] * x[j];
                }
            }
        }
        return h;
    }

    static float[][] weights(int channels, int d, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[channels][d];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < d; i++) {
                w[c][i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        return w;
    }

    /** Symmetric per-channel MinMax scales for levels -q..q (independent of the code under test). */
    static float[] minMaxScales(float[][] w, int q) {
        float[] s = new float[w.length];
        for (int c = 0; c < w.length; c++) {
            float m = 0;
            for (float v : w[c]) {
                m = Math.max(m, Math.abs(v));
            }
            s[c] = m / q;
        }
        return s;
    }

    /** Σ_c eᵀHe computed directly with the dequantized weights (q − zp)·s, zp = 0. */
    static double outputError(float[][] w, int[][] q, float[] s, double[] h, int d) {
        double total = 0;
        for (int c = 0; c < w.length; c++) {
            double[] e = new double[d];
            for (int i = 0; i < d; i++) {
                e[i] = w[c][i] - (double) (q[c][i] * s[c]);
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    total += e[i] * h[i * d + j] * e[j];
                }
            }
        }
        return total;
    }

    static int[][] nearest(float[][] w, float[] s, int q) {
        int[][] out = new int[w.length][w[0].length];
        for (int c = 0; c < w.length; c++) {
            for (int i = 0; i < w[c].length; i++) {
                out[c][i] = (int) Math.max(-q, Math.min(q, Math.rint(w[c][i] / s[c])));
            }
        }
        return out;
    }

    static LayerwiseRounding.Layer layer(float[][] w, double[] h, int d, float[] s, int q, Granularity g) {
        return new LayerwiseRounding.Layer(w, new double[][] {h}, d, s, new int[w.length], -q, q, g);
    }

    @Test
    void errorFeedbackRoundingBeatsNearestOnCorrelatedInputsAt4Bits() {
        int d = 64;
        double[] h = correlatedGram(d, 500, 1);
        float[][] w = weights(16, d, 2);
        float[] s = minMaxScales(w, 7);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(layer(w, h, d, s, 7, Granularity.PER_CHANNEL));
        double nearest = outputError(w, nearest(w, s, 7), s, h, d);
        double tuned = outputError(w, sol.levels(), sol.scale(), h, d);
        assertEquals(nearest, sol.errorNearest(), 1e-9 * nearest);
        assertEquals(tuned, sol.errorTuned(), 1e-9 * nearest);
        assertTrue(tuned < 0.7 * nearest, "tuned " + tuned + " vs nearest " + nearest);
    }

    @Test
    void neverWorseThanNearestWhenInputsAreUncorrelated() {
        int d = 32;
        double[] h = new double[d * d];
        for (int i = 0; i < d; i++) {
            h[i * d + i] = 3.0; // H = 3·I: nearest rounding is already optimal for the fixed scale
        }
        float[][] w = weights(8, d, 3);
        float[] s = minMaxScales(w, 127);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(layer(w, h, d, s, 127, Granularity.PER_CHANNEL));
        assertTrue(sol.errorTuned() <= sol.errorNearest(), sol.errorTuned() + " > " + sol.errorNearest());
        assertEquals(8, sol.channelsNearest());
    }

    @Test
    void perTensorScaleStaysSharedAndErrorDoesNotGrow() {
        int d = 24;
        double[] h = correlatedGram(d, 200, 4);
        float[][] w = weights(6, d, 5);
        float m = 0;
        for (float[] row : w) {
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        float[] s = new float[6];
        java.util.Arrays.fill(s, m / 7);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(layer(w, h, d, s, 7, Granularity.PER_TENSOR));
        for (float v : sol.scale()) {
            assertEquals(sol.scale()[0], v);
        }
        assertTrue(sol.errorTuned() <= sol.errorNearest());
        assertEquals(outputError(w, sol.levels(), sol.scale(), h, d), sol.errorTuned(), 1e-9 * sol.errorNearest());
    }

    @Test
    void threeWeightToyMatchesBruteForceOverAllLevels() {
        int d = 3;
        double[] h = {4.0, 3.0, 1.5, 3.0, 4.0, 2.5, 1.5, 2.5, 3.0}; // positive definite, strongly correlated
        float[][] w = {{0.35f, 0.36f, 0.34f}}; // each ≈ 1.4 steps: nearest rounds all three down
        float[] s = {0.25f}; // 3-bit levels -3..3
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(
                new LayerwiseRounding.Layer(w, new double[][] {h}, d, s, new int[1], -3, 3, Granularity.PER_TENSOR));
        int[] best = null;
        double bestErr = Double.MAX_VALUE;
        for (int a = -3; a <= 3; a++) {
            for (int b = -3; b <= 3; b++) {
                for (int c = -3; c <= 3; c++) {
                    double e = outputError(w, new int[][] {{a, b, c}}, s, h, d);
                    if (e < bestErr) {
                        bestErr = e;
                        best = new int[] {a, b, c};
                    }
                }
            }
        }
        assertArrayEquals(best, sol.levels()[0]);
        assertTrue(sol.errorTuned() <= bestErr + 1e-12);
        assertTrue(bestErr < outputError(w, nearest(w, s, 3), s, h, d), "the toy must make nearest suboptimal");
    }

    @Test
    void scaleRefitIsTheLeastSquaresOptimumWithinTheBand() {
        int d = 16;
        double[] h = correlatedGram(d, 100, 6);
        float[][] w = weights(1, d, 7);
        float[] s = minMaxScales(w, 7);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(layer(w, h, d, s, 7, Granularity.PER_CHANNEL));
        double at = outputError(w, sol.levels(), sol.scale(), h, d);
        for (double f : new double[] {0.98, 1.02}) {
            float other = (float) (sol.scale()[0] * f);
            assertTrue(at <= outputError(w, sol.levels(), new float[] {other}, h, d) + 1e-12);
        }
        assertTrue(sol.scale()[0] >= s[0] / 2 && sol.scale()[0] <= 2 * s[0]);
    }

    @Test
    void inverseFactorReproducesTheDampedInverse() {
        int d = 5;
        double[] h = correlatedGram(d, 50, 8);
        double[] u = LayerwiseRounding.inverseFactor(h, d);
        assertNotNull(u);
        double mean = 0;
        for (int i = 0; i < d; i++) {
            mean += h[i * d + i] / d;
        }
        // (H + λI) · UᵀU must be the identity
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int k = 0; k < d; k++) {
                    double inv = 0;
                    for (int m = 0; m < d; m++) {
                        inv += u[m * d + k] * u[m * d + j];
                    }
                    v += (h[i * d + k] + (i == k ? LayerwiseRounding.DAMPING * mean : 0)) * inv;
                }
                assertEquals(i == j ? 1 : 0, v, 1e-9);
            }
        }
    }

    @Test
    void deadInputsAndAZeroGramFallBackToNearest() {
        int d = 12;
        float[][] w = weights(3, d, 9);
        float[] s = minMaxScales(w, 127);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(layer(w, new double[d * d], d, s, 127,
                Granularity.PER_CHANNEL));
        assertEquals(0, sol.errorTuned());
        assertArrayEquals(nearest(w, s, 127)[0], sol.levels()[0]);
    }

    @Test
    void withQuantizedInputsTheErrorIsMeasuredAgainstTheQuantizedLayerAndStillNeverWorse() {
        int d = 16;
        int n = 400;
        Random r = new Random(10);
        double[][] x = new double[n][d];
        double[][] xq = new double[n][d];
        float step = 0.25f;
        for (int s = 0; s < n; s++) {
            double common = r.nextGaussian();
            for (int i = 0; i < d; i++) {
                x[s][i] = common + 0.5 * r.nextGaussian();
                // an input quantizer that clips at ±1 (7 levels of 0.25 would reach 1.75: clip at 4 levels)
                xq[s][i] = Math.max(-4, Math.min(4, Math.rint(x[s][i] / step))) * step;
            }
        }
        double[] h = new double[d * d];
        double[] hq = new double[d * d];
        double[] c = new double[d * d];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    h[i * d + j] += x[s][i] * x[s][j];
                    hq[i * d + j] += xq[s][i] * xq[s][j];
                    c[i * d + j] += x[s][i] * xq[s][j];
                }
            }
        }
        float[][] w = weights(4, d, 11);
        float[] scale = minMaxScales(w, 7);
        LayerwiseRounding.Solution sol = LayerwiseRounding.solve(new LayerwiseRounding.Layer(w, new double[][] {h},
                new double[][] {hq}, new double[][] {c}, d, scale, new int[4], -7, 7, Granularity.PER_CHANNEL));
        double nearest = directError(w, nearest(w, scale, 7), scale, x, xq);
        double tuned = directError(w, sol.levels(), sol.scale(), x, xq);
        assertEquals(nearest, sol.errorNearest(), 1e-6 * nearest);
        assertEquals(tuned, sol.errorTuned(), 1e-6 * nearest);
        assertTrue(tuned < 0.8 * nearest, "tuned " + tuned + " vs nearest " + nearest);
    }

    /** Σ over samples and channels of (wᵀx − ŵᵀx̃)², directly. */
    static double directError(float[][] w, int[][] q, float[] s, double[][] x, double[][] xq) {
        double total = 0;
        for (int c = 0; c < w.length; c++) {
            for (int k = 0; k < x.length; k++) {
                double a = 0;
                double b = 0;
                for (int i = 0; i < w[c].length; i++) {
                    a += w[c][i] * x[k][i];
                    b += (double) (q[c][i] * s[c]) * xq[k][i];
                }
                total += (a - b) * (a - b);
            }
        }
        return total;
    }
}

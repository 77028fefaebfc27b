package dev.sparkptq.calibration;

import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantMath;

/**
 * Layer-wise tuning's solver (POT's {@code use_layerwise_tuning}, in closed form): chooses a layer's integer weight
 * levels and scales to minimise its output MSE against FP32, {@code Σ_c (w_c − ŵ_c)ᵀ H (w_c − ŵ_c)}, where
 * {@code H = Σ x xᵀ} sums the layer's FP32 input vectors and {@code ŵ_c = (q_c − zp)·s_c} is output channel
 * {@code c}'s dequantized weight row. The quantization grid stays MinMax's (levels, zero points); only which level
 * each weight takes, and then each channel's scale, change.
 *
 * <ol>
 *   <li><b>Levels</b>, per output channel, the best (lowest output MSE) of: nearest rounding (what the Q/DQ rewrite
 *   would do); error-feedback rounding with {@code H⁻¹} (GPTQ/OBQ: quantize the inputs in order and spread each
 *   one's rounding error onto the inputs not yet quantized through the upper Cholesky factor of {@code (H+λI)⁻¹},
 *   λ = {@value #DAMPING}·mean(diag H)); and, for rows of at most {@value #EXHAUSTIVE_DIM} inputs (a depthwise 3×3),
 *   the exact best of all 2^d floor/ceil roundings.</li>
 *   <li><b>Scales</b>: least squares on {@code H} given the levels, {@code s* = (wᵀHq)/(qᵀHq)} per channel (jointly
 *   for a per-tensor scale), kept inside [s/2, 2s] (the grid moves, it is not replaced) and only where it lowers the
 *   error.</li>
 * </ol>
 * Every step keeps a candidate only when it is not worse, so the result never has a higher output MSE than nearest
 * rounding with MinMax's scales.
 */
public final class LayerwiseRounding {
    /** GPTQ's damping, relative to the mean of H's diagonal. */
    public static final double DAMPING = 0.01;
    /** Rows this short are rounded exactly over every floor/ceil choice. */
    public static final int EXHAUSTIVE_DIM = 10;

    private LayerwiseRounding() {
    }

    /**
     * One layer.
     *
     * @param rows        output channel → its {@code dim} weights, in the order of H's rows
     * @param grams       per group, H as a row-major {@code dim × dim} symmetric matrix; channel {@code c} belongs to
     *                    group {@code c / (channels / groups)}
     * @param scale       per output channel (a per-tensor scale is repeated)
     * @param zeroPoint   per output channel
     * @param granularity whether the scale refit is per channel or one for the whole tensor
     */
    public record Layer(float[][] rows, double[][] grams, int dim, float[] scale, int[] zeroPoint, int levelLow,
                        int levelHigh, Granularity granularity) {
        int channels() {
            return rows.length;
        }

        int groupOf(int channel) {
            return channel / (rows.length / grams.length);
        }
    }

    /**
     * @param levels          channel → integer level of each weight
     * @param scale           channel → scale (refitted or MinMax's)
     * @param errorNearest    Σ_c eᵀHe with nearest rounding and MinMax's scales
     * @param errorTuned      Σ_c eᵀHe of the result (≤ errorNearest)
     * @param channelsNearest channels where nearest rounding stayed the best level choice
     * @param channelsRefit   channels whose scale changed
     */
    public record Solution(int[][] levels, float[] scale, double errorNearest, double errorTuned,
                           int channelsNearest, int channelsRefit) {
    }

    public static Solution solve(Layer layer) {
        int n = layer.channels();
        int[][] levels = new int[n][];
        double[] error = new double[n];
        double nearestTotal = 0;
        int keptNearest = 0;
        double[][] factors = new double[layer.grams().length][];
        for (int g = 0; g < factors.length; g++) {
            factors[g] = inverseFactor(layer.grams()[g], layer.dim());
        }
        for (int c = 0; c < n; c++) {
            Channel ch = new Channel(layer, c);
            int[] best = ch.nearest();
            double bestErr = ch.error(best, ch.scale);
            nearestTotal += bestErr;
            boolean nearestWins = true;
            int[] other = factors[layer.groupOf(c)] == null ? null : ch.errorFeedback(factors[layer.groupOf(c)]);
            if (other != null && ch.error(other, ch.scale) < bestErr) {
                best = other;
                bestErr = ch.error(other, ch.scale);
                nearestWins = false;
            }
            if (layer.dim() <= EXHAUSTIVE_DIM) {
                int[] exact = ch.exhaustive();
                if (ch.error(exact, ch.scale) < bestErr) {
                    best = exact;
                    bestErr = ch.error(exact, ch.scale);
                    nearestWins = false;
                }
            }
            levels[c] = best;
            error[c] = bestErr;
            keptNearest += nearestWins ? 1 : 0;
        }
        return refit(layer, levels, error, nearestTotal, keptNearest);
    }

    /** Least-squares scales given the levels (per channel or one per tensor), kept only where they lower the error. */
    private static Solution refit(Layer layer, int[][] levels, double[] error, double nearestTotal, int keptNearest) {
        int n = layer.channels();
        float[] scale = layer.scale().clone();
        int refitted = 0;
        if (layer.granularity() == Granularity.PER_CHANNEL) {
            for (int c = 0; c < n; c++) {
                Channel ch = new Channel(layer, c);
                float s = ch.refitScale(levels[c], ch.dot(levels[c]));
                double e = ch.error(levels[c], s);
                if (s != ch.scale && e < error[c]) {
                    scale[c] = s;
                    error[c] = e;
                    refitted++;
                }
            }
        } else {
            double num = 0;
            double den = 0;
            for (int c = 0; c < n; c++) {
                double[] nd = new Channel(layer, c).dot(levels[c]);
                num += nd[0];
                den += nd[1];
            }
            float s = new Channel(layer, 0).refitScale(levels[0], new double[] {num, den});
            double[] e = new double[n];
            double before = 0;
            double after = 0;
            for (int c = 0; c < n; c++) {
                e[c] = new Channel(layer, c).error(levels[c], s);
                before += error[c];
                after += e[c];
            }
            if (s != layer.scale()[0] && after < before) {
                java.util.Arrays.fill(scale, s);
                System.arraycopy(e, 0, error, 0, n);
                refitted = n;
            }
        }
        double total = 0;
        for (double e : error) {
            total += e;
        }
        return new Solution(levels, scale, nearestTotal, total, keptNearest, refitted);
    }

    /**
     * The upper Cholesky factor {@code U} of {@code (H + λI)⁻¹} ({@code (H+λI)⁻¹ = UᵀU}), row-major; null when H is
     * unusable even with ten times more damping.
     */
    static double[] inverseFactor(double[] h, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += h[i * n + i];
        }
        mean /= n;
        double lambda = mean > 0 && Double.isFinite(mean) ? DAMPING * mean : 1;
        for (int attempt = 0; attempt < 4; attempt++, lambda *= 10) {
            double[] a = h.clone();
            for (int i = 0; i < n; i++) {
                a[i * n + i] += lambda;
            }
            double[] l = SymmetricMatrices.cholesky(a, n);
            double[] m = l == null ? null : SymmetricMatrices.cholesky(SymmetricMatrices.inverseFromCholesky(l, n), n);
            if (m != null) {
                double[] u = new double[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        u[i * n + j] = m[j * n + i];
                    }
                }
                return u;
            }
        }
        return null;
    }

    /** One output channel's weights, grid and H. */
    private static final class Channel {
        final float[] w;
        final double[] h;
        final int n;
        final float scale;
        final int zp;
        final int lo;
        final int hi;

        Channel(Layer layer, int c) {
            this.w = layer.rows()[c];
            this.h = layer.grams()[layer.groupOf(c)];
            this.n = layer.dim();
            this.scale = layer.scale()[c];
            this.zp = layer.zeroPoint()[c];
            this.lo = layer.levelLow();
            this.hi = layer.levelHigh();
        }

        int[] nearest() {
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = QuantMath.quantize(w[i], scale, zp, lo, hi);
            }
            return q;
        }

        /** GPTQ's sequential rounding: each input's error, divided by U_ii, is taken off the later inputs. */
        int[] errorFeedback(double[] u) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = w[i];
            }
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = QuantMath.quantize((float) v[i], scale, zp, lo, hi);
                double err = (v[i] - QuantMath.dequantize(q[i], scale, zp)) / u[i * n + i];
                for (int j = i + 1; j < n; j++) {
                    v[j] -= err * u[i * n + j];
                }
            }
            return q;
        }

        /** The exact best of the 2^n floor/ceil roundings (n ≤ {@value #EXHAUSTIVE_DIM}). */
        int[] exhaustive() {
            int[] floor = new int[n];
            for (int i = 0; i < n; i++) {
                floor[i] = clamp((int) Math.floor(w[i] / scale) + zp);
            }
            int[] best = floor.clone();
            double bestErr = error(best, scale);
            int[] q = new int[n];
            for (int mask = 1; mask < (1 << n); mask++) {
                for (int i = 0; i < n; i++) {
                    q[i] = clamp(floor[i] + ((mask >> i) & 1));
                }
                double e = error(q, scale);
                if (e < bestErr) {
                    bestErr = e;
                    best = q.clone();
                }
            }
            return best;
        }

        /** {wᵀHq̃, q̃ᵀHq̃} with q̃ = q − zp. */
        double[] dot(int[] q) {
            double[] wd = new double[n];
            double[] qd = new double[n];
            for (int i = 0; i < n; i++) {
                wd[i] = w[i];
                qd[i] = q[i] - zp;
            }
            return new double[] {SymmetricMatrices.bilinear(h, n, wd, qd), SymmetricMatrices.quadratic(h, n, qd)};
        }

        /** The least-squares scale num/den, clipped to [s/2, 2s]; the current scale when undefined. */
        float refitScale(int[] q, double[] numDen) {
            double s = numDen[1] > 0 ? numDen[0] / numDen[1] : Double.NaN;
            if (!(s > 0) || !Double.isFinite(s)) {
                return scale;
            }
            return (float) Math.min(2.0 * scale, Math.max(0.5 * scale, s));
        }

        /** eᵀHe for the dequantized row {@code (q − zp)·s} (in float, as the model stores it). */
        double error(int[] q, float s) {
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                e[i] = w[i] - (double) QuantMath.dequantize(q[i], s, zp);
            }
            return SymmetricMatrices.quadratic(h, n, e);
        }

        private int clamp(int v) {
            return Math.max(lo, Math.min(hi, v));
        }
    }
}

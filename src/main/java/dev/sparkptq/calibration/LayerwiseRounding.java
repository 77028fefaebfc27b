package dev.sparkptq.calibration;

import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantMath;

/**
 * Layer-wise tuning's solver (POT's {@code use_layerwise_tuning}, in closed form): chooses a layer's integer weight
 * levels and scales to minimise its output MSE against FP32. With {@code x} the layer's FP32 input vectors and
 * {@code x̃} the same vectors through the layer's input quantizer (as the INT8 model feeds it), output channel
 * {@code c}'s error is
 * <pre>
 *   E(ŵ) = Σ (wᵀx − ŵᵀx̃)² = wᵀHw − 2 wᵀCŵ + ŵᵀH̃ŵ = (ŵ − t)ᵀ H̃ (ŵ − t) + const,   t = H̃⁻¹ Cᵀ w
 * </pre>
 * with {@code H = Σ x xᵀ}, {@code H̃ = Σ x̃ x̃ᵀ}, {@code C = Σ x x̃ᵀ} and {@code ŵ = (q − zp)·s} the dequantized row
 * (unquantized inputs: {@code H̃ = C = H}, {@code t = w}). Rounding {@code t} rather than {@code w} lets the weights
 * absorb part of the input quantizer's systematic error (clipping), as POT's QuantizeModelFinetuning does by tuning
 * on the quantized model's inputs. The grid stays MinMax's (levels, zero points); which level each weight takes, then
 * each channel's scale, change:
 * <ol>
 *   <li><b>Levels</b>, per output channel, the best (lowest E) of: nearest rounding of {@code w} (what the Q/DQ rewrite
 *   would do); nearest rounding of {@code t}; error-feedback rounding of {@code t} with {@code H̃⁻¹} (GPTQ/OBQ: quantize
 *   the inputs in order and spread each one's rounding error onto the inputs not yet quantized through the upper
 *   Cholesky factor of {@code (H̃+λI)⁻¹}, λ = {@value #DAMPING}·mean(diag H̃)); and, for rows of at most
 *   {@value #EXHAUSTIVE_DIM} inputs (a depthwise 3×3), the exact best of all 2^d floor/ceil roundings of t.</li>
 *   <li><b>Scales</b>: least squares given the levels, {@code s* = (wᵀCq)/(qᵀH̃q)} per channel (jointly for a
 *   per-tensor scale), kept inside [s/2, 2s] (the grid moves, it is not replaced) and only where it lowers E.</li>
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
     * @param quantized   per group, H̃ (the same arrays as {@code grams} when the input is not quantized)
     * @param cross       per group, C = Σ x x̃ᵀ (the same arrays as {@code grams} when the input is not quantized)
     * @param scale       per output channel (a per-tensor scale is repeated)
     * @param zeroPoint   per output channel
     * @param granularity whether the scale refit is per channel or one for the whole tensor
     */
    public record Layer(float[][] rows, double[][] grams, double[][] quantized, double[][] cross, int dim,
                        float[] scale, int[] zeroPoint, int levelLow, int levelHigh, Granularity granularity) {
        /** A layer whose input is not quantized: H̃ = C = H. */
        public Layer(float[][] rows, double[][] grams, int dim, float[] scale, int[] zeroPoint, int levelLow,
                     int levelHigh, Granularity granularity) {
            this(rows, grams, grams, grams, dim, scale, zeroPoint, levelLow, levelHigh, granularity);
        }

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
        Factor[] factors = new Factor[layer.grams().length];
        for (int g = 0; g < factors.length; g++) {
            factors[g] = factor(layer.quantized()[g], layer.dim());
        }
        Channel[] channels = new Channel[n];
        for (int c = 0; c < n; c++) {
            Channel ch = new Channel(layer, c, factors[layer.groupOf(c)]);
            channels[c] = ch;
            int[] best = ch.nearest(ch.w);
            double bestErr = ch.error(best, ch.scale);
            nearestTotal += bestErr;
            boolean nearestWins = true;
            for (int[] other : ch.candidates(factors[layer.groupOf(c)])) {
                double e = ch.error(other, ch.scale);
                if (e < bestErr) {
                    best = other;
                    bestErr = e;
                    nearestWins = false;
                }
            }
            levels[c] = best;
            error[c] = bestErr;
            keptNearest += nearestWins ? 1 : 0;
        }
        return refit(layer, channels, levels, error, nearestTotal, keptNearest);
    }

    /** Least-squares scales given the levels (per channel or one per tensor), kept only where they lower the error. */
    private static Solution refit(Layer layer, Channel[] channels, int[][] levels, double[] error,
                                  double nearestTotal, int keptNearest) {
        int n = layer.channels();
        float[] scale = layer.scale().clone();
        int refitted = 0;
        if (layer.granularity() == Granularity.PER_CHANNEL) {
            for (int c = 0; c < n; c++) {
                Channel ch = channels[c];
                float s = ch.refitScale(ch.dot(levels[c]));
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
                double[] nd = channels[c].dot(levels[c]);
                num += nd[0];
                den += nd[1];
            }
            float s = channels[0].refitScale(new double[] {num, den});
            double[] e = new double[n];
            double before = 0;
            double after = 0;
            for (int c = 0; c < n; c++) {
                e[c] = channels[c].error(levels[c], s);
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

    /** The damped inverse of H̃ and its upper Cholesky factor; null fields when H̃ is unusable. */
    record Factor(double[] inverse, double[] upper) {
    }

    static Factor factor(double[] h, int n) {
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
            double[] inv = l == null ? null : SymmetricMatrices.inverseFromCholesky(l, n);
            double[] m = inv == null ? null : SymmetricMatrices.cholesky(inv, n);
            if (m != null) {
                double[] u = new double[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        u[i * n + j] = m[j * n + i];
                    }
                }
                return new Factor(inv, u);
            }
        }
        return new Factor(null, null);
    }

    /**
     * The upper Cholesky factor {@code U} of {@code (H + λI)⁻¹} ({@code (H+λI)⁻¹ = UᵀU}), row-major; null when H is
     * unusable even with a thousand times more damping.
     */
    static double[] inverseFactor(double[] h, int n) {
        return factor(h, n).upper();
    }

    /** One output channel's weights, grid and the statistics of its group. */
    private static final class Channel {
        final float[] w;
        final double[] hq;
        final int n;
        final float scale;
        final int zp;
        final int lo;
        final int hi;
        /** Cᵀw: E's linear term is −2·aᵀŵ */
        final double[] a;
        /** wᵀHw */
        final double constant;
        /** the best float weights for quantized inputs, H̃⁻¹Cᵀw (w itself for unquantized inputs) */
        final double[] target;

        Channel(Layer layer, int c, Factor f) {
            int g = layer.groupOf(c);
            this.w = layer.rows()[c];
            this.hq = layer.quantized()[g];
            this.n = layer.dim();
            this.scale = layer.scale()[c];
            this.zp = layer.zeroPoint()[c];
            this.lo = layer.levelLow();
            this.hi = layer.levelHigh();
            double[] wd = new double[n];
            for (int i = 0; i < n; i++) {
                wd[i] = w[i];
            }
            double[] h = layer.grams()[g];
            double[] cross = layer.cross()[g];
            this.constant = SymmetricMatrices.quadratic(h, n, wd);
            boolean plain = cross == h && hq == h;
            this.a = plain ? SymmetricMatrices.times(h, n, wd) : SymmetricMatrices.transposeTimes(cross, n, wd);
            this.target = plain || f.inverse() == null ? wd : SymmetricMatrices.times(f.inverse(), n, a);
        }

        int[] nearest(float[] v) {
            int[] q = new int[n];
            for (int i = 0; i < n; i++) {
                q[i] = QuantMath.quantize(v[i], scale, zp, lo, hi);
            }
            return q;
        }

        /** The level choices tried against nearest rounding of w. */
        java.util.List<int[]> candidates(Factor f) {
            java.util.List<int[]> out = new java.util.ArrayList<>();
            float[] t = new float[n];
            for (int i = 0; i < n; i++) {
                t[i] = (float) target[i];
            }
            out.add(nearest(t));
            if (f.upper() != null) {
                out.add(errorFeedback(f.upper()));
            }
            if (n <= EXHAUSTIVE_DIM) {
                out.add(exhaustive());
            }
            return out;
        }

        /** GPTQ's sequential rounding of the target: each input's error, over U_ii, is taken off the later inputs. */
        int[] errorFeedback(double[] u) {
            double[] v = target.clone();
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

        /** The exact best of the 2^n floor/ceil roundings of the target (n ≤ {@value #EXHAUSTIVE_DIM}). */
        int[] exhaustive() {
            int[] floor = new int[n];
            for (int i = 0; i < n; i++) {
                floor[i] = clamp((int) Math.floor(target[i] / scale) + zp);
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

        /** {aᵀq̃, q̃ᵀH̃q̃} with q̃ = q − zp: E(s·q̃) = const − 2s·aᵀq̃ + s²·q̃ᵀH̃q̃. */
        double[] dot(int[] q) {
            double[] qd = new double[n];
            double lin = 0;
            for (int i = 0; i < n; i++) {
                qd[i] = q[i] - zp;
                lin += a[i] * qd[i];
            }
            return new double[] {lin, SymmetricMatrices.quadratic(hq, n, qd)};
        }

        /** The least-squares scale num/den, clipped to [s/2, 2s]; the current scale when undefined. */
        float refitScale(double[] numDen) {
            double s = numDen[1] > 0 ? numDen[0] / numDen[1] : Double.NaN;
            if (!(s > 0) || !Double.isFinite(s)) {
                return scale;
            }
            return (float) Math.min(2.0 * scale, Math.max(0.5 * scale, s));
        }

        /** E for the dequantized row {@code (q − zp)·s} (in float, as the model stores it). */
        double error(int[] q, float s) {
            double[] v = new double[n];
            double lin = 0;
            for (int i = 0; i < n; i++) {
                v[i] = QuantMath.dequantize(q[i], s, zp);
                lin += a[i] * v[i];
            }
            return constant - 2 * lin + SymmetricMatrices.quadratic(hq, n, v);
        }

        private int clamp(int v) {
            return Math.max(lo, Math.min(hi, v));
        }
    }
}

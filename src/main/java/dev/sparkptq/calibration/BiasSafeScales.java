package dev.sparkptq.calibration;

import dev.sparkptq.core.QuantParams;

/**
 * Weight scales that keep a Conv/Gemm bias representable in ONNX Runtime's int32 accumulator.
 *
 * <p>ONNX Runtime quantizes a float bias of a Q/DQ Conv or Gemm itself (its {@code BiasQuantization} graph transform:
 * {@code round(b / (s_x · s_w))} cast to int32, then the integer kernel adds it to the accumulator). A weight channel
 * whose values are all (nearly) zero — a dead channel, common in pruned or BatchNorm-folded models — gets a tiny scale
 * (down to {@link QuantParamsCalculator#MIN_SCALE}); its bias then divides into a number far outside int32, the cast
 * wraps, and the channel's output becomes garbage (M-LSD's first Conv: 7 of 32 channels dead, the op's output SQNR 12.8
 * dB instead of 38). The rule here raises such a channel's scale to {@code |b| / (s_x · LIMIT)} so the quantized bias
 * stays within {@link #LIMIT} = 2^30, leaving half of int32 for the products it is added to. A channel whose weights are
 * that small relative to its bias contributes less than one bias step, so the coarser scale costs nothing measurable;
 * every other channel keeps its scale.
 */
public final class BiasSafeScales {
    /** Largest quantized bias magnitude allowed: 2^30, half the int32 range (the accumulated products need the rest). */
    public static final double LIMIT = 1 << 30;

    private BiasSafeScales() {
    }

    /**
     * The weight parameters with every channel's scale raised where needed, or {@code weight} itself when no channel
     * needs it.
     *
     * @param weight     the weight quantizer's parameters (per tensor, or one scale per bias element)
     * @param bias       the op's float bias, one value per output channel
     * @param inputScale the per-tensor scale of the op's quantized activation input
     */
    public static QuantParams apply(QuantParams weight, float[] bias, double inputScale) {
        float[] scale = weight.scale();
        int[] zp = weight.zeroPoint();
        boolean changed = false;
        for (int c = 0; c < bias.length; c++) {
            int i = scale.length == 1 ? 0 : c;
            if (i >= scale.length) {
                return weight; // bias and scales disagree in length: not a per-output-channel weight, leave it alone
            }
            double floor = Math.abs((double) bias[c]) / (inputScale * LIMIT);
            if (Double.isFinite(floor) && floor > scale[i]) {
                float raised = Math.nextUp((float) floor);
                zp[i] = rezero(weight, zp[i], scale[i], raised);
                scale[i] = raised;
                changed = true;
            }
        }
        return changed ? new QuantParams(scale, zp, weight.axis(), weight.storage(), weight.levelLow(),
                weight.levelHigh()) : weight;
    }

    /**
     * The zero point for the wider scale that keeps the range's low end where it was ({@code levelLow} still meets
     * {@code min = (levelLow − zp) · oldScale}); symmetric weights keep 0.
     */
    private static int rezero(QuantParams w, int zp, float oldScale, float newScale) {
        if (zp == 0) {
            return 0;
        }
        double min = (w.levelLow() - (double) zp) * oldScale;
        long z = Math.round(w.levelLow() - min / newScale);
        return (int) Math.max(w.levelLow(), Math.min(w.levelHigh(), z));
    }
}

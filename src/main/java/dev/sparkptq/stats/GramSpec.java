package dev.sparkptq.stats;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which second-moment matrix {@code H = Σ x xᵀ} to accumulate over a layer's FP32 input (layer-wise tuning): the
 * input tensor and how it is cut into vectors {@code x}.
 *
 * <ul>
 *   <li>{@link Layout#ROWS} (MatMul/Gemm): the last axis is the feature; every row of {@code dim} values is a
 *   vector.</li>
 *   <li>{@link Layout#PATCHES} (Conv, input {@code [N, C, d_1..d_n]}): every output position's receptive field, per
 *   group, is a vector of {@code C/groups · k_1···k_n} values in the weight's {@code [C/groups, k_1..k_n]} order,
 *   zero where it reads padding (im2col).</li>
 * </ul>
 * At most {@code maxPositions} rows/positions of each sample are counted, drawn with the seed given per sample, so
 * the cost stays near one inference and the draw never depends on how samples are partitioned.
 *
 * <p>With a {@code pairedTensor} (the tensor that feeds the layer in the quantized model: its input after the
 * upstream quantized layers and its own input quantizer), the vectors {@code x̃} cut at the same positions from it are
 * paired with {@code x}, and the accumulator adds {@code H̃ = Σ x̃ x̃ᵀ} and {@code C = Σ x x̃ᵀ}: what the output error
 * {@code Σ (wᵀx − ŵᵀx̃)²} of the layer inside the quantized model needs.
 *
 * @param kernel    spatial kernel sizes (PATCHES only; empty for ROWS)
 * @param strides   per spatial axis
 * @param dilations per spatial axis
 * @param pads      begin values then end values, per spatial axis (ignored unless {@code autoPad} is NOTSET)
 * @param autoPad   ONNX {@code auto_pad}: NOTSET, VALID, SAME_UPPER or SAME_LOWER
 * @param pairedTensor the layer's input tensor in the quantized model (same shape as {@code tensor}), or null
 */
public record GramSpec(String tensor, Layout layout, int dim, int groups, long[] kernel, long[] strides,
                       long[] dilations, long[] pads, String autoPad, int maxPositions, String pairedTensor)
        implements Serializable {

    public enum Layout { ROWS, PATCHES }

    public GramSpec {
        kernel = kernel.clone();
        strides = strides.clone();
        dilations = dilations.clone();
        pads = pads.clone();
        if (dim < 1 || groups < 1 || maxPositions < 1) {
            throw new IllegalArgumentException("a Gram spec needs dim, groups and maxPositions >= 1: " + tensor);
        }
        if (layout == Layout.PATCHES && (strides.length != kernel.length || dilations.length != kernel.length
                || pads.length != 2 * kernel.length)) {
            throw new IllegalArgumentException("conv geometry of '" + tensor + "' has inconsistent ranks");
        }
    }

    /** A MatMul/Gemm input: rows of {@code dim} features. */
    public static GramSpec rows(String tensor, int dim, int maxPositions, String pairedTensor) {
        return new GramSpec(tensor, Layout.ROWS, dim, 1, new long[0], new long[0], new long[0], new long[0], "NOTSET",
                maxPositions, pairedTensor);
    }

    /** This spec paired with {@code tensor} of the quantized model. */
    public GramSpec pairedWith(String tensor) {
        return new GramSpec(this.tensor, layout, dim, groups, kernel, strides, dilations, pads, autoPad, maxPositions,
                tensor);
    }

    /** Identity of what is accumulated: two layers with the same key share one H (e.g. Q, K and V projections). */
    public String key() {
        return tensor + "|" + layout + "|" + dim + "|" + groups + "|" + Arrays.toString(kernel) + "|"
                + Arrays.toString(strides) + "|" + Arrays.toString(dilations) + "|" + Arrays.toString(pads) + "|"
                + autoPad + "|" + maxPositions + "|" + pairedTensor;
    }

    /** Doubles one accumulator holds: the upper triangles of every group's H (and H̃ and the full C when quantized). */
    public long packedSize() {
        long triangle = (long) dim * (dim + 1L) / 2;
        return groups * (pairedTensor == null ? triangle : 2 * triangle + (long) dim * dim);
    }

    @Override
    public long[] kernel() {
        return kernel.clone();
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    @Override
    public long[] dilations() {
        return dilations.clone();
    }

    @Override
    public long[] pads() {
        return pads.clone();
    }
}

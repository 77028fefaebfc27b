package dev.sparkptq.graph.edit;

import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import java.util.List;
import java.util.Objects;

/** One change to a model, as a value; {@link GraphRewriter} applies lists of them. */
public sealed interface GraphEdit permits GraphEdit.InsertQdq, GraphEdit.AddOutput, GraphEdit.SetMetadata,
        GraphEdit.AddReduction, GraphEdit.ScaleInput, GraphEdit.ReplaceConstantInput, GraphEdit.BypassNode,
        GraphEdit.QuantizeDynamically, GraphEdit.CompressTable {

    /**
     * Quantize-dequantize {@code tensor} for the listed consumer inputs only; other consumers (and a graph output of
     * the same name) keep reading the float tensor.
     *
     * <pre>
     * ACTIVATION / WEIGHT_FLOAT (params narrower than the storage type add the clamp in brackets):
     *   before:  P ──t──► A          after:  P ──t──► [Clip] ──► QuantizeLinear ──t_quantized──►
     *              └─t──► B                  │        DequantizeLinear ──t_dequantized──► A
     *                                        └──t──► B              (B not listed: untouched)
     *
     * WEIGHT_COMPRESSED (t is an initializer or Constant):
     *   before:  t (float) ──► A     after:  t_quantized (int8/uint8/int16) ──► DequantizeLinear
     *                                           ──t_dequantized──► A     (float t dropped when unused)
     * </pre>
     *
     * Q and DQ share {@code t_scale} and {@code t_zero_point}; per-channel params put {@code axis} on both.
     * Per-tensor narrow levels use {@code Clip} to {@code [(levelLow - zp) * s, (levelHigh - zp) * s]}; per-channel
     * narrow levels use {@code Max}/{@code Min} with per-channel bound tensors shaped to broadcast along the axis.
     * INT16/UINT16 below opset 21 use ONNX Runtime's {@code com.microsoft} QuantizeLinear/DequantizeLinear.
     */
    record InsertQdq(String tensor, List<InputRef> consumers, QuantParams params, Role role) implements GraphEdit {
        public InsertQdq {
            Objects.requireNonNull(tensor, "tensor");
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(role, "role");
            consumers = List.copyOf(consumers);
            if (consumers.isEmpty()) {
                throw new IllegalArgumentException("InsertQdq on '" + tensor + "' lists no consumer");
            }
        }
    }

    /** Exposes {@code tensor} as an extra graph output (no-op when it already is one). */
    record AddOutput(String tensor) implements GraphEdit {
        public AddOutput {
            Objects.requireNonNull(tensor, "tensor");
        }
    }

    /**
     * Adds a per-sample reduction of {@code tensor} as a new graph output {@code output}, computed inside the graph
     * so that only a small tensor leaves the runtime (POT's {@code inplace_statistics}). Axis 0 is the batch axis; the
     * output keeps every axis (size 1 where reduced); {@code keepAxis} (a channel axis, or -1) needs a known
     * {@code rank}. The lowering is chosen so the runtime keeps its own tensor layouts:
     *
     * <pre>
     *   rank unknown:         t ──► Flatten(axis=1) ──► ReduceMin|ReduceMax(axes=[1], keepdims=1)
     *   MAX, rank 4, keepAxis -1 or 1:
     *                         t ──► GlobalMaxPool ──► [ReduceMax(axes=[1..], keepdims=1) unless keepAxis is 1]
     *   otherwise:            t ──► ReduceMin|ReduceMax(axes = every axis but 0 and keepAxis, keepdims=1)
     *   ABS_MAX:              Max(MAX, Neg(MIN)) — two read-only reductions instead of writing |t| first
     *   MIN, nonNegative:     Min(MAX, 0) — for a tensor known to be ≥ 0 that is 0, the min the quantizer uses
     *   ABS_MAX, nonNegative: MAX
     * </pre>
     *
     * Why GlobalMaxPool: ONNX Runtime runs CNNs in a blocked channel layout (NCHWc) and converts a tensor back to
     * NCHW before any op it cannot run blocked, such as ReduceMax; GlobalMaxPool runs blocked, so only its tiny output
     * is converted. {@code nonNegative} (e.g. a Relu output) reports the per-sample min as 0 rather than computing it:
     * it is 0 whenever the sample has a single zero, and quantization widens every range to include 0 anyway. The
     * MIN and MAX reductions of one tensor and axis are shared by every AddReduction of that tensor. The nodes go
     * right after the producer of {@code tensor}, so the runtime can free the tensor early.
     */
    record AddReduction(String tensor, Reduction reduction, int keepAxis, int rank, boolean nonNegative,
                        String output) implements GraphEdit {
        public AddReduction {
            Objects.requireNonNull(tensor, "tensor");
            Objects.requireNonNull(reduction, "reduction");
            Objects.requireNonNull(output, "output");
            if (keepAxis == 0 || (keepAxis > 0 && keepAxis >= rank)) {
                throw new IllegalArgumentException("keepAxis " + keepAxis + " must be -1 or a non-batch axis of the "
                        + "known rank " + rank);
            }
        }

        /** A reduction of a tensor not known to be non-negative. */
        public AddReduction(String tensor, Reduction reduction, int keepAxis, int rank, String output) {
            this(tensor, reduction, keepAxis, rank, false, output);
        }
    }

    /** What {@link AddReduction} computes per sample. */
    enum Reduction { MIN, MAX, ABS_MAX }

    /** Sets model {@code metadata_props[key] = value}, replacing an entry with the same key. */
    record SetMetadata(String key, String value) implements GraphEdit {
        public SetMetadata {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Multiplies {@code tensor} by a constant {@code factor} for the listed consumer inputs only (SmoothQuant's
     * {@code X·diag(1/s)}); other consumers and a graph output of the same name keep the original tensor.
     *
     * <pre>
     *   before:  P ──t──► A          after:  P ──t──► Mul(t, t_smooth_factor) ──t_smoothed──► A
     *              └─t──► B                  └──t──► B                  (B not listed: untouched)
     * </pre>
     *
     * {@code factor} must broadcast against the tensor (e.g. shape {@code [C]} scales the last axis).
     */
    record ScaleInput(String tensor, List<InputRef> consumers, Tensor factor) implements GraphEdit {
        public ScaleInput {
            Objects.requireNonNull(tensor, "tensor");
            Objects.requireNonNull(factor, "factor");
            consumers = List.copyOf(consumers);
            if (consumers.isEmpty()) {
                throw new IllegalArgumentException("ScaleInput on '" + tensor + "' lists no consumer");
            }
        }
    }

    /**
     * Gives input {@code input} of node {@code node} a new initializer holding {@code value}, in place of the
     * constant (or computed tensor, e.g. a Reshape's shape) it reads: SmoothQuant's scaled weights and folded scales.
     * Other readers of the old tensor keep it; when nothing reads it any more, its initializer or the nodes that
     * computed it (recursively, as long as nothing else reads their outputs) are dropped.
     */
    record ReplaceConstantInput(String node, int input, Tensor value) implements GraphEdit {
        public ReplaceConstantInput {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(value, "value");
            if (input < 0) {
                throw new IllegalArgumentException("input must be >= 0, got " + input);
            }
        }
    }

    /**
     * Removes node {@code node}: every reader of its (single) output reads its input {@code input} instead; inputs
     * nothing reads any more are dropped as in {@link ReplaceConstantInput}. For nodes whose effect is provably nil
     * where their output goes (e.g. the key bias of attention, which the softmax cancels).
     *
     * <pre>
     *   before:  a ──► N(a, c) ──t──► B          after:  a ──► B        (c dropped when unused)
     * </pre>
     */
    record BypassNode(String node, int input) implements GraphEdit {
        public BypassNode {
            Objects.requireNonNull(node, "node");
            if (input < 0) {
                throw new IllegalArgumentException("input must be >= 0, got " + input);
            }
        }
    }

    /**
     * Replaces MatMul or Gemm {@code node} (input 0 a run-time tensor x, input 1 a constant weight) by the dynamic
     * quantization pattern of standard ONNX, which ONNX Runtime fuses into its dynamic integer kernels
     * (MatMulIntegerToFloat, and DynamicQuantizeMatMul when x feeds only this op), bias included:
     *
     * <pre>
     *   before:  x ──► MatMul(x, W) ──y──► Add(y, b)      Gemm(x, W, C, transB) ──y──►
     *   after:   x ──► DynamicQuantizeLinear ──xq, xs, xzp──►         (one per x, shared by every op reading x)
     *            MatMulInteger(xq, weight, xzp, 0) ──► Cast(float) ──► Mul(·, Mul(xs, weightScale)) ──y──► Add(y, b)
     *            (Gemm: ──► Add(·, C) ──y──►)
     * </pre>
     *
     * {@code weight} is the int8 matrix as MatMul reads it, {@code [K, N]} (a Gemm's {@code transB} weight already
     * transposed), {@code weightScale} a scalar or one scale per output column {@code [N]} (symmetric: one scalar
     * zero point 0).
     * Only a Gemm with alpha = beta = 1 and no transA fits. The float weight is dropped when nothing else reads it.
     */
    record QuantizeDynamically(String node, Tensor weight, Tensor weightScale) implements GraphEdit {
        public QuantizeDynamically {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(weight, "weight");
            Objects.requireNonNull(weightScale, "weightScale");
            if (weight.rank() != 2 || weightScale.rank() > 1
                    || (weightScale.rank() == 1 && weightScale.dim(0) != weight.dim(1))) {
                throw new IllegalArgumentException("QuantizeDynamically on '" + node + "' needs a [K, N] weight and a "
                        + "scalar or [N] scale, got " + java.util.Arrays.toString(weight.shape()) + " and "
                        + java.util.Arrays.toString(weightScale.shape()));
            }
        }
    }

    /**
     * Stores the constant table (input 0) of Gather {@code node} (axis 0) quantized and dequantizes only the rows
     * gathered — an embedding table then costs a quarter of its FP32 size on disk and in memory:
     *
     * <pre>
     *   before:  table (float [V, H]) ──► Gather(·, ids) ──y──►
     *   after:   table_quantized (int8 [V, H]) ──► Gather(·, ids) ──► DequantizeLinear(·, scale, 0, axis=-1) ──y──►
     * </pre>
     *
     * {@code scale} is a scalar or one scale per column {@code [H]} (the last axis, opset 13 or later); symmetric
     * (zero point 0). The float table is dropped when nothing else reads it.
     */
    record CompressTable(String node, Tensor table, Tensor scale) implements GraphEdit {
        public CompressTable {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(scale, "scale");
            boolean perRow = scale.rank() == 2 && scale.dim(0) == table.dim(0) && scale.dim(1) == 1;
            if (!perRow && (scale.rank() > 1 || (scale.rank() == 1 && scale.dim(0) != table.dim(table.rank() - 1)))) {
                throw new IllegalArgumentException("CompressTable on '" + node + "' needs a scalar scale, one per "
                        + "column of the table or one per row ([rows, 1]), got "
                        + java.util.Arrays.toString(scale.shape()));
            }
        }

        /** Rows above which per-row scales of at most 256 distinct values are stored as one byte per row. */
        public static final int CODED_MIN_ROWS = 1024;

        /**
         * Whether the rewrite stores per-row scales as one byte per row indexing a table of their distinct values
         * (exact): a per-row scale of a table of more than {@link #CODED_MIN_ROWS} rows taking at most 256 values.
         */
        public boolean codedScales() {
            return scale.rank() == 2 && scale.dim(0) > CODED_MIN_ROWS && distinctScales().length <= 256;
        }

        /** The scale's distinct values, ascending. */
        public float[] distinctScales() {
            float[] v = scale.floats().clone();
            java.util.Arrays.sort(v);
            int n = 0;
            for (int i = 0; i < v.length; i++) {
                if (i == 0 || Float.compare(v[i], v[n - 1]) != 0) {
                    v[n++] = v[i];
                }
            }
            return java.util.Arrays.copyOf(v, n);
        }
    }
}

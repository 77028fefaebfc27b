package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link GraphEdit.QuantizeDynamically} and {@link GraphEdit.CompressTable} to a {@link Draft}. Both emit
 * standard ONNX only; the node shapes are the ones ONNX Runtime's MatMulIntegerToFloat and DynamicQuantizeMatMul
 * fusions match: the scale product {@code Mul(x_scale, w_scale)} has the activation scale first and is read by one
 * node, and the weight, its scale and zero point are initializers.
 */
final class DynamicRewrites {
    private DynamicRewrites() {
    }

    static void quantize(Draft d, GraphEdit.QuantizeDynamically edit) {
        int at = d.nodeIndex(edit.node());
        OnnxMl.NodeProto n = d.nodes.get(at);
        boolean gemm = n.getOpType().equals("Gemm");
        if (!(n.getOpType().equals("MatMul") || gemm) || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")
                || n.getInputCount() < 2 || gemm && !plainGemm(n)) {
            throw new InternalException("QuantizeDynamically needs a MatMul, or a Gemm with alpha = beta = 1 and no "
                    + "transA; node '" + edit.node() + "' is " + n.getOpType());
        }
        String x = n.getInput(0);
        String w = n.getInput(1);
        if (!d.initializers.containsKey(w)) {
            throw new InternalException("QuantizeDynamically on '" + edit.node() + "': weight '" + w
                    + "' is not an initializer");
        }
        String[] q = sharedQuantizer(d, x);
        String wq = d.fresh(w + "_dynamic_quantized");
        String ws = d.fresh(w + "_dynamic_scale");
        d.addInitializer(TensorProtos.fromTensor(wq, edit.weight()));
        d.addInitializer(TensorProtos.fromTensor(ws, edit.weightScale()));
        String wzp = weightZeroPoint(d);
        String base = edit.node();
        String y = n.getOutput(0);
        String scale = d.fresh(base + "_dynamic_scale_product");
        String acc = d.fresh(base + "_dynamic_int32");
        String accf = d.fresh(base + "_dynamic_float");
        boolean bias = gemm && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        String product = bias ? d.fresh(base + "_dynamic_output") : y;
        List<OnnxMl.NodeProto> added = new ArrayList<>();
        added.add(Nodes.node(d.fresh(base + "_DynamicScale"), "Mul", "", List.of(q[1], ws), scale));
        added.add(Nodes.node(d.fresh(base + "_MatMulInteger"), "MatMulInteger", "", List.of(q[0], wq, q[2], wzp),
                acc));
        added.add(Nodes.node(d.fresh(base + "_Cast"), "Cast", "", List.of(acc), accf,
                Nodes.intAttr("to", DType.FLOAT.onnxType())));
        added.add(Nodes.node(d.fresh(base + "_DynamicRescale"), "Mul", "", List.of(accf, scale), product));
        if (bias) {
            added.add(Nodes.node(d.fresh(base + "_Bias"), "Add", "", List.of(product, n.getInput(2)), y));
        }
        int now = d.nodeIndex(edit.node()); // the shared quantizer may have been inserted before it
        d.nodes.remove(now);
        d.nodes.addAll(now, added);
        InputScaling.dropIfUnused(d, w);
    }

    /**
     * Symmetric weights: one int8 zero point 0 serves every column of every dynamically quantized op (MatMulInteger
     * takes the scale separately), so the model stores it once rather than once per op.
     */
    private static String weightZeroPoint(Draft d) {
        String key = "dynamic-weight-zero-point";
        String existing = d.shared.get(key);
        if (existing != null) {
            return existing;
        }
        String wzp = d.fresh("dynamic_weight_zero_point");
        d.addInitializer(TensorProtos.fromTensor(wzp, Tensor.ofBytes(DType.INT8, new long[0], new byte[1])));
        d.shared.put(key, wzp);
        return wzp;
    }

    /**
     * The quantized tensor, scale and zero point of {@code x}: one DynamicQuantizeLinear per tensor, right after its
     * producer, shared by every op rewritten to read it.
     */
    private static String[] sharedQuantizer(Draft d, String x) {
        String key = "dynamic-quantize:" + x;
        String existing = d.shared.get(key);
        if (existing != null) {
            return existing.split("\n");
        }
        String[] outs = {d.fresh(x + "_dynamic_quantized"), d.fresh(x + "_dynamic_scale"),
                d.fresh(x + "_dynamic_zero_point")};
        OnnxMl.NodeProto dql = OnnxMl.NodeProto.newBuilder().setName(d.fresh(x + "_DynamicQuantizeLinear"))
                .setOpType("DynamicQuantizeLinear").addInput(x).addOutput(outs[0]).addOutput(outs[1])
                .addOutput(outs[2]).build();
        d.insertAfterProducer(x, List.of(dql));
        d.shared.put(key, String.join("\n", outs));
        return outs;
    }

    private static boolean plainGemm(OnnxMl.NodeProto n) {
        float alpha = 1f;
        float beta = 1f;
        long transA = 0;
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "alpha" -> alpha = a.getF();
                case "beta" -> beta = a.getF();
                case "transA" -> transA = a.getI();
                default -> { }
            }
        }
        return alpha == 1f && beta == 1f && transA == 0;
    }

    static void compressTable(Draft d, GraphEdit.CompressTable edit) {
        int at = d.nodeIndex(edit.node());
        OnnxMl.NodeProto n = d.nodes.get(at);
        String table = n.getInput(0);
        long axis = n.getAttributeList().stream().filter(a -> a.getName().equals("axis")).mapToLong(
                OnnxMl.AttributeProto::getI).findFirst().orElse(0);
        if (!n.getOpType().equals("Gather") || axis != 0 || !d.initializers.containsKey(table)) {
            throw new InternalException("CompressTable needs a Gather along axis 0 of an initializer; node '"
                    + edit.node() + "' is " + n.getOpType() + " on '" + table + "'");
        }
        if (edit.scale().rank() == 2) {
            compressRows(d, at, n, table, edit);
            return;
        }
        if (edit.scale().rank() == 1 && d.opset() < 13) {
            throw new InternalException("a per-column table scale needs opset 13 or later (model: " + d.opset() + ")");
        }
        String tq = d.fresh(table + "_quantized");
        String ts = d.fresh(table + "_scale");
        String tzp = d.fresh(table + "_zero_point");
        d.addInitializer(TensorProtos.fromTensor(tq, edit.table()));
        d.addInitializer(TensorProtos.fromTensor(ts, edit.scale()));
        d.addInitializer(TensorProtos.fromTensor(tzp, Tensor.ofBytes(edit.table().dtype(), edit.scale().shape(),
                new byte[(int) edit.scale().numel()])));
        String y = n.getOutput(0);
        String gathered = d.fresh(y + "_quantized");
        OnnxMl.NodeProto gather = n.toBuilder().setInput(0, tq).setOutput(0, gathered).build();
        OnnxMl.AttributeProto[] attrs = edit.scale().rank() == 1
                ? new OnnxMl.AttributeProto[] {Nodes.intAttr("axis", -1)} : new OnnxMl.AttributeProto[0];
        OnnxMl.NodeProto dq = Nodes.node(d.fresh(edit.node() + "_DequantizeLinear"), "DequantizeLinear", "",
                List.of(gathered, ts, tzp), y, attrs);
        d.nodes.set(at, gather);
        d.nodes.add(at + 1, dq);
        InputScaling.dropIfUnused(d, table);
    }

    /**
     * One scale per row ({@code [rows, 1]}): the ids gather the int8 rows and their scales, and
     * {@code Cast(rows) · scales} restores them — standard ops at any opset, each token's vector with its own
     * resolution.
     */
    private static void compressRows(Draft d, int at, OnnxMl.NodeProto n, String table, GraphEdit.CompressTable edit) {
        String tq = d.fresh(table + "_quantized");
        String ts = d.fresh(table + "_row_scale");
        d.addInitializer(TensorProtos.fromTensor(tq, edit.table()));
        List<OnnxMl.NodeProto> decode = edit.codedScales() ? codedScales(d, edit, ts) : List.of();
        if (decode.isEmpty()) {
            d.addInitializer(TensorProtos.fromTensor(ts, edit.scale()));
        }
        String y = n.getOutput(0);
        String rows = d.fresh(y + "_quantized");
        String scales = d.fresh(y + "_scale");
        String cast = d.fresh(y + "_float");
        OnnxMl.NodeProto gather = n.toBuilder().setInput(0, tq).setOutput(0, rows).build();
        OnnxMl.NodeProto gatherScales = n.toBuilder().setName(d.fresh(edit.node() + "_scales")).setInput(0, ts)
                .setOutput(0, scales).build();
        OnnxMl.NodeProto toFloat = Nodes.node(d.fresh(edit.node() + "_Cast"), "Cast", "", List.of(rows), cast,
                Nodes.intAttr("to", OnnxMl.TensorProto.DataType.FLOAT_VALUE));
        OnnxMl.NodeProto mul = Nodes.node(d.fresh(edit.node() + "_Mul"), "Mul", "", List.of(cast, scales), y);
        d.nodes.set(at, gather);
        d.nodes.addAll(at + 1, List.of(gatherScales, toFloat, mul));
        d.nodes.addAll(0, decode);
        InputScaling.dropIfUnused(d, table);
    }

    /**
     * Per-row scales of at most 256 distinct values as a byte per row: {@code scales = Gather(levels,
     * Cast(codes))}, a constant subgraph (Gather needs int32/int64 indices) that ONNX Runtime folds into the
     * {@code [rows, 1]} float table when it loads the model. Exact.
     */
    private static List<OnnxMl.NodeProto> codedScales(Draft d, GraphEdit.CompressTable edit, String scales) {
        float[] levels = edit.distinctScales();
        float[] s = edit.scale().floats();
        byte[] codes = new byte[s.length];
        for (int r = 0; r < s.length; r++) {
            codes[r] = (byte) java.util.Arrays.binarySearch(levels, s[r]);
        }
        String lv = d.fresh(scales + "_levels");
        String cd = d.fresh(scales + "_codes");
        String index = d.fresh(scales + "_index");
        d.addInitializer(TensorProtos.fromTensor(lv, Tensor.ofFloats(new long[] {levels.length}, levels)));
        d.addInitializer(TensorProtos.fromTensor(cd, Tensor.ofBytes(DType.UINT8, edit.scale().shape(), codes)));
        return List.of(Nodes.node(d.fresh(edit.node() + "_scale_codes_Cast"), "Cast", "", List.of(cd), index,
                        Nodes.intAttr("to", OnnxMl.TensorProto.DataType.INT32_VALUE)),
                Nodes.node(d.fresh(edit.node() + "_scale_levels"), "Gather", "", List.of(lv, index), scales));
    }
}

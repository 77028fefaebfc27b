package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.graph.TensorProtos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Applies one {@link GraphEdit.InsertQdq} to a {@link Draft} (see the edit's javadoc for the picture). */
final class QdqInserter {
    static final String MS_DOMAIN = "com.microsoft";
    private static final int CLIP_INPUTS_OPSET = 11;
    private static final int INT16_QDQ_OPSET = 21;

    private final Draft d;
    private final GraphEdit.InsertQdq edit;
    private final QuantParams p;
    private final String t;

    private QdqInserter(Draft d, GraphEdit.InsertQdq edit) {
        this.d = d;
        this.edit = edit;
        this.p = edit.params();
        this.t = edit.tensor();
    }

    static void apply(Draft d, GraphEdit.InsertQdq edit) {
        new QdqInserter(d, edit).run();
    }

    private void run() {
        checkPreconditions();
        String scale = constant(t + "_scale", QuantTensors.scale(p));
        String zeroPoint = constant(t + "_zero_point", QuantTensors.zeroPoint(p));
        String dequantized;
        if (edit.role() == Role.WEIGHT_COMPRESSED) {
            String q = constant(t + "_quantized", QuantTensors.quantize(t, weightValue(), p));
            OnnxMl.NodeProto dq = qdqNode("DequantizeLinear", q, scale, zeroPoint, t + "_dequantized");
            d.nodes.add(0, dq);
            dequantized = dq.getOutput(0);
        } else {
            List<OnnxMl.NodeProto> added = new ArrayList<>(clamp());
            String source = added.isEmpty() ? t : added.get(added.size() - 1).getOutput(0);
            OnnxMl.NodeProto q = qdqNode("QuantizeLinear", source, scale, zeroPoint, t + "_quantized");
            OnnxMl.NodeProto dq = qdqNode("DequantizeLinear", q.getOutput(0), scale, zeroPoint, t + "_dequantized");
            added.add(q);
            added.add(dq);
            d.insertAfterProducer(t, added);
            dequantized = dq.getOutput(0);
        }
        rewire(dequantized);
        if (edit.role() == Role.WEIGHT_COMPRESSED) {
            dropIfUnused();
        }
    }

    private void checkPreconditions() {
        if (!d.exists(t)) {
            throw new InternalException("InsertQdq names tensor '" + t + "', which no node, initializer or graph "
                    + "input provides");
        }
        if (d.opset() < 10) {
            throw new InternalException("opset " + d.opset() + " has no QuantizeLinear; run "
                    + "ModelIo.prepareForQuantization before planning edits");
        }
        if (p.perChannel() && d.opset() < 13) {
            throw new InternalException("per-channel parameters for '" + t + "' need opset >= 13 but the model has "
                    + d.opset() + "; plan per-tensor parameters when ModelIo.supportsPerChannel is false");
        }
        for (InputRef ref : edit.consumers()) {
            OnnxMl.NodeProto n = d.nodes.get(d.nodeIndex(ref.node()));
            if (ref.inputIndex() >= n.getInputCount() || !n.getInput(ref.inputIndex()).equals(t)) {
                throw new InternalException("input " + ref.inputIndex() + " of node '" + ref.node() + "' is not '"
                        + t + "' (inputs " + n.getInputList() + "); was it already rewired by another edit?");
            }
        }
        long[] shape = shapeOrNull();
        QuantTensors.checkChannels(t, shape, p);
    }

    private Tensor weightValue() {
        OnnxMl.TensorProto init = d.initializers.get(t);
        if (init != null) {
            return TensorProtos.toTensor(init);
        }
        int producer = d.producerIndex(t);
        if (producer >= 0) {
            java.util.Optional<Tensor> value = TensorProtos.constantNodeValue(d.nodes.get(producer));
            if (value.isPresent()) {
                return value.get();
            }
        }
        throw new InternalException("WEIGHT_COMPRESSED needs a constant, but '" + t + "' is neither an initializer "
                + "nor a Constant output; use Role.ACTIVATION");
    }

    private long[] shapeOrNull() {
        OnnxMl.TensorProto init = d.initializers.get(t);
        if (init != null) {
            return init.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }
        return d.original.info(t).map(TensorInfo::shape).orElse(null);
    }

    /** Nodes that keep the float tensor inside the allowed levels (none when levels fill the storage type). */
    private List<OnnxMl.NodeProto> clamp() {
        if (!p.narrowerThanStorage()) {
            return List.of();
        }
        float[] lo = QuantTensors.bound(p, p.levelLow());
        float[] hi = QuantTensors.bound(p, p.levelHigh());
        if (!p.perChannel()) {
            String out = d.fresh(t + "_clipped");
            if (d.opset() < CLIP_INPUTS_OPSET) {
                return List.of(Nodes.node(d.fresh(t + "_Clip"), "Clip", "", List.of(t), out,
                        Nodes.floatAttr("min", lo[0]), Nodes.floatAttr("max", hi[0])));
            }
            String min = constant(t + "_clip_min", Tensor.ofFloats(new long[0], lo));
            String max = constant(t + "_clip_max", Tensor.ofFloats(new long[0], hi));
            return List.of(Nodes.node(d.fresh(t + "_Clip"), "Clip", "", List.of(t, min, max), out));
        }
        long[] boundShape = channelBoundShape();
        String min = constant(t + "_clip_min", Tensor.ofFloats(boundShape, lo));
        String max = constant(t + "_clip_max", Tensor.ofFloats(boundShape, hi));
        OnnxMl.NodeProto atLeast = Nodes.node(d.fresh(t + "_ClipLow"), "Max", "", List.of(t, min),
                d.fresh(t + "_clipped_low"));
        OnnxMl.NodeProto atMost = Nodes.node(d.fresh(t + "_ClipHigh"), "Min", "", List.of(atLeast.getOutput(0), max),
                d.fresh(t + "_clipped"));
        return List.of(atLeast, atMost);
    }

    /** {@code [C, 1, ..., 1]} with one trailing 1 per axis after the channel axis, so it broadcasts per channel. */
    private long[] channelBoundShape() {
        long[] shape = shapeOrNull();
        if (shape == null) {
            throw new InternalException("narrow per-channel levels on '" + t + "' need its rank, which the model does "
                    + "not record; run ONNX shape inference on the model first");
        }
        long[] bound = new long[shape.length - p.axis()];
        Arrays.fill(bound, 1);
        bound[0] = p.scale().length;
        return bound;
    }

    private OnnxMl.NodeProto qdqNode(String op, String x, String scale, String zeroPoint, String out) {
        boolean wide = p.storage() == DType.INT16 || p.storage() == DType.UINT16;
        String domain = "";
        if (wide && d.opset() < INT16_QDQ_OPSET) {
            domain = MS_DOMAIN;
            d.ensureOpsetImport(MS_DOMAIN, 1);
        }
        List<OnnxMl.AttributeProto> attrs = p.perChannel() ? List.of(Nodes.intAttr("axis", p.axis())) : List.of();
        return Nodes.node(d.fresh(t + "_" + op), op, domain, List.of(x, scale, zeroPoint), d.fresh(out),
                attrs.toArray(new OnnxMl.AttributeProto[0]));
    }

    private String constant(String base, Tensor value) {
        String name = d.fresh(base);
        d.addInitializer(TensorProtos.fromTensor(name, value));
        return name;
    }

    private void rewire(String replacement) {
        for (InputRef ref : edit.consumers()) {
            int i = d.nodeIndex(ref.node());
            d.nodes.set(i, d.nodes.get(i).toBuilder().setInput(ref.inputIndex(), replacement).build());
        }
    }

    /** The float weight goes away once nothing reads it, so the model does not carry both copies. */
    private void dropIfUnused() {
        if (d.isUsed(t) || d.isGraphInput(t)) {
            return;
        }
        if (d.initializers.remove(t) == null) {
            d.nodes.remove(d.producerIndex(t));
        }
    }
}

package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FP16 and BF16 models are calibrated and quantized as FP32: every FLOAT16/BFLOAT16 initializer, Constant, Cast
 * target, ConstantOfShape value, typed attribute and declared value type (graph inputs and outputs included, inside
 * subgraphs too) becomes FLOAT, exactly (every half and bfloat16 value is a float). The quantized model is then an
 * INT8 QDQ model whose float parts are FP32 and whose inputs and outputs are FP32 — what ONNX Runtime's integer
 * kernels want; the step's record and the log say so.
 *
 * <p>Why not keep FP16: QuantizeLinear of FP16 needs opset 19, ONNX Runtime's CPU integer kernels take FP32 scales,
 * the statistics and data readers are FP32, and an FP16 graph planned as FP32 used to fail inside an executor.
 */
final class FloatUpcast implements PreparationStep {
    static final String NAME = "float16_upcast";
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
    private static final Set<Integer> HALF = Set.of(OnnxMl.TensorProto.DataType.FLOAT16_VALUE,
            OnnxMl.TensorProto.DataType.BFLOAT16_VALUE);
    /** Attributes that name an element type. */
    private static final Set<String> TYPE_ATTRIBUTES = Set.of("to", "dtype", "output_dtype");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result apply(OnnxMl.ModelProto model) {
        Counts c = new Counts();
        OnnxMl.GraphProto g = graph(model.getGraph(), c, true);
        if (c.total() == 0) {
            return new Result(model, StepRecord.none(NAME, "no FLOAT16/BFLOAT16 tensors"));
        }
        String summary = c.kinds() + " model upcast to FP32 for calibration and quantization: " + c.tensors
                + " tensors, " + c.types + " value types, " + c.attributes + " Cast/type attributes; the quantized "
                + "model's float parts" + (c.interfaceNames.isEmpty() ? "" : ", inputs and outputs") + " are FP32";
        return new Result(model.toBuilder().setGraph(g).build(), new StepRecord(NAME, c.total(), summary,
                c.interfaceNames.isEmpty() ? c.tensorNames : c.interfaceNames));
    }

    private static final class Counts {
        int tensors;
        int types;
        int attributes;
        boolean fp16;
        boolean bf16;
        final List<String> interfaceNames = new ArrayList<>();
        final List<String> tensorNames = new ArrayList<>();

        int total() {
            return tensors + types + attributes;
        }

        String kinds() {
            return fp16 && bf16 ? "FP16/BF16" : bf16 ? "BF16" : "FP16";
        }

        void saw(int type) {
            fp16 |= type == OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
            bf16 |= type == OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
        }
    }

    private static OnnxMl.GraphProto graph(OnnxMl.GraphProto g, Counts c, boolean main) {
        OnnxMl.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (HALF.contains(g.getInitializer(i).getDataType())) {
                b.setInitializer(i, tensor(g.getInitializer(i), c));
                c.tensorNames.add(g.getInitializer(i).getName());
            }
        }
        for (int i = 0; i < g.getInputCount(); i++) {
            b.setInput(i, valueInfo(g.getInput(i), c, main));
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            b.setOutput(i, valueInfo(g.getOutput(i), c, main));
        }
        for (int i = 0; i < g.getValueInfoCount(); i++) {
            b.setValueInfo(i, valueInfo(g.getValueInfo(i), c, false));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            b.setNode(i, node(g.getNode(i), c));
        }
        return b.build();
    }

    private static OnnxMl.NodeProto node(OnnxMl.NodeProto n, Counts c) {
        OnnxMl.NodeProto.Builder b = n.toBuilder();
        for (int k = 0; k < n.getAttributeCount(); k++) {
            OnnxMl.AttributeProto a = n.getAttribute(k);
            OnnxMl.AttributeProto.Builder ab = a.toBuilder();
            if (a.hasT() && HALF.contains(a.getT().getDataType())) {
                ab.setT(tensor(a.getT(), c));
            }
            for (int j = 0; j < a.getTensorsCount(); j++) {
                if (HALF.contains(a.getTensors(j).getDataType())) {
                    ab.setTensors(j, tensor(a.getTensors(j), c));
                }
            }
            if (TYPE_ATTRIBUTES.contains(a.getName()) && a.hasI() && HALF.contains((int) a.getI())) {
                c.saw((int) a.getI());
                ab.setI(FLOAT);
                c.attributes++;
            }
            if (a.hasG()) {
                ab.setG(graph(a.getG(), c, false));
            }
            for (int j = 0; j < a.getGraphsCount(); j++) {
                ab.setGraphs(j, graph(a.getGraphs(j), c, false));
            }
            b.setAttribute(k, ab);
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(OnnxMl.ValueInfoProto v, Counts c, boolean graphInterface) {
        if (!v.getType().hasTensorType() || !HALF.contains(v.getType().getTensorType().getElemType())) {
            return v;
        }
        c.saw(v.getType().getTensorType().getElemType());
        c.types++;
        if (graphInterface) {
            c.interfaceNames.add(v.getName());
        }
        OnnxMl.ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(FLOAT);
        return b.build();
    }

    private static OnnxMl.TensorProto tensor(OnnxMl.TensorProto t, Counts c) {
        c.saw(t.getDataType());
        c.tensors++;
        return HalfFloats.toFloat(t);
    }
}

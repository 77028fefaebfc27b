package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Output element types and shapes of default-domain ops from their inputs' (ONNX's type and shape inference
 * functions, for the ops exported vision, speech and text models use). An op without a shape rule gives outputs of
 * unknown shape; one without a type rule gives outputs of its first input's type. Never throws on a malformed node:
 * whatever cannot be worked out is unknown.
 */
final class ShapeRules {
    /** The inputs of one node: their facts, and their constant values when they are constants. */
    record Inputs(List<ValueFacts.Fact> facts, IntFunction<Tensor> constant) {
        int count() {
            return facts.size();
        }

        long[] dims(int i) {
            return i < facts.size() ? facts.get(i).dims() : null;
        }

        int type(int i) {
            return i < facts.size() ? facts.get(i).elemType() : 0;
        }

        /** The constant value of input {@code i}, or null (absent input, or not a constant). */
        Tensor value(int i) {
            return i < facts.size() ? constant.apply(i) : null;
        }
    }

    private static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;
    private static final int BOOL = OnnxMl.TensorProto.DataType.BOOL_VALUE;
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;

    /** Ops whose outputs have the shape of input 0. */
    private static final Set<String> SAME_SHAPE = Set.of("Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh",
            "BatchNormalization", "Cast", "CastLike", "Ceil", "Celu", "Clip", "Cos", "Cosh", "CumSum",
            "DequantizeLinear", "Dropout", "Elu", "Erf", "Exp", "Floor", "Gelu", "HardSigmoid", "HardSwish",
            "Hardmax", "Identity", "InstanceNormalization", "IsInf", "IsNaN", "LRN", "LayerNormalization",
            "LeakyRelu", "Log", "LogSoftmax", "LpNormalization", "MeanVarianceNormalization", "Mish", "Neg", "Not",
            "PRelu", "QuantizeLinear", "Reciprocal", "Relu", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin",
            "Sinh", "Softmax", "Softplus", "Softsign", "Sqrt", "Tan", "Tanh", "ThresholdedRelu", "Trilu");
    /** Ops whose output is the multidirectional broadcast of their inputs. */
    private static final Set<String> BROADCAST = Set.of("Add", "And", "BitShift", "Div", "Equal", "Greater",
            "GreaterOrEqual", "Less", "LessOrEqual", "Max", "Mean", "Min", "Mod", "Mul", "Or", "Pow", "Sub", "Sum",
            "Where", "Xor");
    private static final Set<String> BOOLEAN = Set.of("And", "Equal", "Greater", "GreaterOrEqual", "IsInf",
            "IsNaN", "Less", "LessOrEqual", "Not", "Or", "Xor");
    private static final Set<String> INDEX = Set.of("ArgMax", "ArgMin", "NonMaxSuppression", "NonZero", "Shape",
            "Size");

    private ShapeRules() {
    }

    /** One fact per output of {@code n} (without values). */
    static List<ValueFacts.Fact> infer(OnnxMl.NodeProto n, Inputs in, int opset) {
        List<long[]> shapes;
        try {
            shapes = shapes(n, in, opset);
        } catch (RuntimeException malformed) {
            shapes = List.of(); // a node the rules cannot read (bad attribute, wrong input count): unknown shape
        }
        List<ValueFacts.Fact> out = new ArrayList<>(n.getOutputCount());
        for (int i = 0; i < n.getOutputCount(); i++) {
            out.add(new ValueFacts.Fact(type(n, in, i), i < shapes.size() ? shapes.get(i) : null, null));
        }
        return out;
    }

    /** ONNX element type of output {@code i}; 0 when unknown. */
    static int type(OnnxMl.NodeProto n, Inputs in, int i) {
        String op = n.getOpType();
        if (BOOLEAN.contains(op)) {
            return BOOL;
        }
        if (INDEX.contains(op)) {
            return INT64;
        }
        return switch (op) {
            case "Cast" -> (int) NodeProtos.intOr(n, "to", 0);
            case "CastLike" -> in.type(1);
            case "Where" -> in.type(1);
            case "TopK", "MaxPool" -> i == 1 ? INT64 : in.type(0);
            case "Dropout" -> i == 1 ? BOOL : in.type(0);
            case "ConstantOfShape" -> NodeProtos.attr(n, "value").filter(OnnxMl.AttributeProto::hasT)
                    .map(a -> a.getT().getDataType()).orElse(FLOAT);
            case "DequantizeLinear" -> in.type(1);
            case "QuantizeLinear" -> in.count() > 2 && in.type(2) != 0 ? in.type(2)
                    : OnnxMl.TensorProto.DataType.UINT8_VALUE;
            case "EyeLike", "RandomNormalLike", "RandomUniformLike" -> (int) NodeProtos.intOr(n, "dtype", in.type(0));
            case "RandomNormal", "RandomUniform", "Multinomial" -> (int) NodeProtos.intOr(n, "dtype", FLOAT);
            case "OneHot" -> in.type(2);
            default -> firstKnownType(in);
        };
    }

    private static int firstKnownType(Inputs in) {
        return in.count() == 0 ? 0 : in.type(0);
    }

    private static List<long[]> shapes(OnnxMl.NodeProto n, Inputs in, int opset) {
        String op = n.getOpType();
        if (SAME_SHAPE.contains(op)) {
            long[] d = Dims.copy(in.dims(0));
            return n.getOutputCount() == 1 ? List.of(d) : repeat(d, n.getOutputCount(), op);
        }
        if (BROADCAST.contains(op)) {
            long[] d = in.dims(0);
            for (int i = 1; i < in.count(); i++) {
                d = Dims.broadcast(d, in.dims(i));
            }
            return single(d);
        }
        return switch (op) {
            case "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool" -> single(ConvShapes.windowed(n, in));
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> single(ConvShapes.global(in.dims(0)));
            case "Gemm" -> single(ConvShapes.gemm(n, in));
            case "MatMul" -> single(ConvShapes.matMul(in.dims(0), in.dims(1)));
            case "Shape" -> single(LayoutShapes.shapeOfShape(n, in.dims(0)));
            case "Size" -> single(new long[0]);
            default -> LayoutShapes.shapes(n, in, opset);
        };
    }

    /** BatchNormalization's and Dropout's extra outputs are not shaped like the input; only output 0 is known. */
    private static List<long[]> repeat(long[] d, int outputs, String op) {
        List<long[]> out = new ArrayList<>();
        out.add(d);
        for (int i = 1; i < outputs; i++) {
            out.add(op.equals("Dropout") ? Dims.copy(d) : null);
        }
        return out;
    }

    static List<long[]> single(long[] d) {
        List<long[]> out = new ArrayList<>(1);
        out.add(d);
        return out;
    }
}

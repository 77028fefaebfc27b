package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What happens to each default-domain op when a model of opset 7..12 is moved to opset 13: kept as it is, rewritten
 * by {@link OpsetUpgrade}, or refused.
 *
 * <p>The table was built from ONNX's {@code onnx/defs/operator_sets.h} (every op version up to 13) and the
 * compatibility adapters of {@code onnx/version_converter/convert.h}: an op is kept from opset {@code v} when none of
 * its versions in {@code (v, 13]} changes the meaning of a node that was valid at {@code v} (later versions only added
 * types, negative axes, or attributes and inputs whose defaults reproduce the old behaviour). Ops that did not exist
 * before their first version are listed from that version. Deliberately absent: control flow (If, Loop, Scan carry
 * subgraphs that would need converting too), Multinomial and the Random* ops, training losses.
 * OneHot is kept only from 11: OneHot-9 maps negative indices to all-off rows, OneHot-11 counts them from the end.
 */
final class OpsetStability {
    /** What {@link OpsetUpgrade} does with one node. */
    enum Verdict { KEEP, CONVERT, REFUSE }

    private static final Map<String, Integer> KEEP_SINCE = new HashMap<>();

    static {
        keep(1, "ArgMax", "ArgMin", "Constant", "Conv", "ConvTranspose", "DepthToSpace", "Flatten", "Gather",
                "GlobalAveragePool", "GlobalMaxPool", "Identity", "LRN", "LpNormalization", "MatMul", "MaxPool",
                "MaxRoiPool", "Not", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax",
                "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare", "Shape", "Size", "Softplus", "Softsign",
                "SpaceToDepth", "Transpose");
        keep(2, "GlobalLpPool", "LpPool");
        keep(4, "Concat");
        keep(5, "Reshape");
        keep(6, "Abs", "Cast", "Ceil", "Elu", "Exp", "Floor", "HardSigmoid", "InstanceNormalization", "LeakyRelu",
                "Log", "Max", "Mean", "Min", "Neg", "Reciprocal", "Relu", "Selu", "Sigmoid", "Sqrt", "Sum", "Tanh",
                "Tile");
        keep(7, "Acos", "Add", "And", "Asin", "Atan", "AveragePool", "Cos", "Div", "Equal",
                "Gemm", "Greater", "GRU", "Less", "LSTM", "Mul", "Or", "Pow", "PRelu", "RNN", "Sin", "Sub", "Tan",
                "Xor");
        keep(8, "Expand");
        keep(9, "BatchNormalization", "Acosh", "Asinh", "Atanh", "Compress", "ConstantOfShape", "Cosh", "Erf", "EyeLike", "IsNaN",
                "MaxUnpool", "MeanVarianceNormalization", "NonZero", "Shrink", "Sign", "Sinh", "TfIdfVectorizer",
                "Where");
        keep(10, "ConvInteger", "DequantizeLinear", "IsInf", "MatMulInteger", "Mod", "NonMaxSuppression",
                "QLinearConv", "QLinearMatMul", "QuantizeLinear", "ReverseSequence", "RoiAlign", "Slice",
                "StringNormalizer", "ThresholdedRelu", "TopK");
        keep(11, "BitShift", "Clip", "ConcatFromSequence", "CumSum", "Det", "DynamicQuantizeLinear",
                "GatherElements", "GatherND", "OneHot", "Pad", "Range", "Resize", "Round", "ScatterElements",
                "ScatterND", "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase", "SequenceInsert",
                "SequenceLength", "SplitToSequence", "Unique");
        keep(12, "Celu", "Einsum", "GreaterOrEqual", "LessOrEqual");
    }

    /** Ops rewritten at every source opset (their opset-13 form takes an attribute as an input or changed meaning). */
    private static final Set<String> ALWAYS_CONVERTED = Set.of("Squeeze", "Unsqueeze", "ReduceSum", "Split",
            "Softmax", "LogSoftmax", "Hardmax", "Dropout", "Upsample", "Scatter");

    /** Ops rewritten only below the opset from which {@link #KEEP_SINCE} keeps them. */
    private static final Set<String> CONVERTED_BELOW_KEEP = Set.of("Slice", "TopK", "Pad", "Clip", "Resize",
            "BatchNormalization");

    private OpsetStability() {
    }

    private static void keep(int since, String... ops) {
        for (String op : ops) {
            KEEP_SINCE.put(op, since);
        }
    }

    static boolean defaultDomain(OnnxMl.NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    /** The verdict for a default-domain node of a model at {@code opset} (7..12). */
    static Verdict verdict(OnnxMl.NodeProto n, int opset) {
        String op = n.getOpType();
        if (Subgraphs.hasSubgraph(n)) {
            return Verdict.REFUSE;
        }
        if (spatialBatchNorm(n)) {
            return Verdict.REFUSE;
        }
        if (ALWAYS_CONVERTED.contains(op)) {
            return Verdict.CONVERT;
        }
        Integer since = KEEP_SINCE.get(op);
        if (since != null && opset >= since) {
            return Verdict.KEEP;
        }
        return CONVERTED_BELOW_KEEP.contains(op) ? Verdict.CONVERT : Verdict.REFUSE;
    }

    /** Why {@link #verdict} refused the node, for the error message. */
    static String refusalReason(OnnxMl.NodeProto n, int opset) {
        if (Subgraphs.hasSubgraph(n)) {
            return "it carries subgraphs, which this converter does not rewrite";
        }
        if (spatialBatchNorm(n)) {
            return "spatial=0 (per-activation statistics) was removed at opset 9";
        }
        Integer since = KEEP_SINCE.get(n.getOpType());
        return since == null ? "this converter does not know the op"
                : "its meaning at opset " + opset + " differs from opset 13 (unchanged only from opset " + since + ")";
    }

    private static boolean spatialBatchNorm(OnnxMl.NodeProto n) {
        return n.getOpType().equals("BatchNormalization") && n.getAttributeList().stream()
                .anyMatch(a -> a.getName().equals("spatial") && a.getI() != 1);
    }
}

package dev.sparkptq.plan;

import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.CompressionSection.TargetDevice;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
import dev.sparkptq.config.QuantizationParams.ActivationMatMuls;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which inputs of which ops get quantizers, POT/NNCF style (ptq-tools.md §2.5): the default rule set quantizes the
 * inputs of compute-heavy ops whose integer kernels exist in ONNX Runtime, and the inputs of element-wise
 * Add/Mul when both operands are activations (ANY/CPU/GPU/NPU all do) — except a Mul by a gate (x·sigmoid(x) of
 * SiLU/Swish, squeeze-excitation gates, the erf/tanh branch of GELU), which NNCF treats as one fused activation. A
 * SiLU's {@code x} and {@code σ(x)} are quantized per {@code activation_gates} (see
 * {@link ActivationGates}): without a quantizer on {@code x} the Conv before it cannot fuse into QLinearConv.
 * Transformers keep element-wise ops in float
 * (NNCF's transformer patterns: LayerNorm/GELU internals stay FP32) and quantize only MatMul/Gemm and pooling;
 * by default ({@code activation_matmuls: float}) not the MatMuls of two activations, see
 * {@link ActivationMatMuls}.
 */
final class OpRules {
    /** Op types whose presence means the model is already quantized. */
    static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "MatMulInteger", "ConvInteger", "DynamicQuantizeLinear", "MatMulIntegerToFloat",
            "QLinearAdd", "QLinearMul");

    /** Op types the default rules quantize (for messages). */
    static final List<String> QUANTIZABLE = List.of("Conv", "ConvTranspose", "Gemm", "MatMul", "AveragePool",
            "GlobalAveragePool", "Add", "Mul");

    private OpRules() {
    }

    /** One input the rules want quantized; {@code weightAxis} is the output-channel axis for a constant input. */
    record QuantInput(int index, PointKind kind, int weightAxis) {
    }

    /** The inputs of {@code node} to quantize; {@code activationMatMuls} FLOAT leaves attention's MatMuls alone. */
    static List<QuantInput> quantizedInputs(Node node, ModelGraph graph, ModelType modelType,
                                            TargetDevice device, ActivationGates gates,
                                            ActivationMatMuls activationMatMuls) {
        List<String> in = node.inputs();
        if (activationMatMuls == ActivationMatMuls.FLOAT && node.opType().equals("MatMul") && in.size() == 2
                && !graph.isConstant(in.get(0)) && !graph.isConstant(in.get(1))) {
            return List.of();
        }
        return switch (node.opType()) {
            case "Conv" -> inputs(graph, in, new int[]{0, 1}, 0);
            case "ConvTranspose" -> inputs(graph, in, new int[]{0, 1}, 1);
            case "Gemm" -> inputs(graph, in, new int[]{0, 1}, node.intAttr("transB", 0) == 1 ? 0 : 1);
            case "MatMul" -> inputs(graph, in, new int[]{0, 1}, lastAxis(graph, in.size() > 1 ? in.get(1) : ""));
            case "AveragePool", "GlobalAveragePool" -> inputs(graph, in, new int[]{0}, -1);
            case "Add", "Mul" -> elementwise(graph, in, modelType, node.opType(), gates);
            case "Sigmoid", "HardSigmoid" -> siluGate(graph, node)
                    ? (gates != ActivationGates.FLOAT && modelType != ModelType.TRANSFORMER
                    ? List.of(new QuantInput(0, PointKind.ACTIVATION, -1)) : List.of())
                    : afterIntegerProducer(graph, node, modelType);
            default -> FLOAT_ACTIVATIONS.contains(node.opType()) ? afterIntegerProducer(graph, node, modelType)
                    : List.of();
        };
    }

    /**
     * Element-wise activations ONNX Runtime's CPU kernels do not fold into a QuantizeLinear (as Relu and Clip are)
     * nor into a Conv/MatMul integer kernel; LeakyRelu and Sigmoid have QLinear kernels of their own.
     */
    static final Set<String> FLOAT_ACTIVATIONS = Set.of("PRelu", "HardSwish", "HardSigmoid", "LeakyRelu", "Elu",
            "Selu", "Celu", "Softplus", "Softsign", "Tanh", "Mish", "ThresholdedRelu");

    /** Producers whose integer kernel needs a quantizer right after it (no activation in between). */
    private static final Set<String> MAC_OPS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm");

    /**
     * The input of an activation that runs as a float kernel, when its producer is a compute op that can run as an
     * integer kernel: ORT fuses {@code DQ → Conv → Q} into QLinearConv only when a quantizer follows the Conv, and
     * {@code DQ → Add → Q} into QLinearAdd likewise, so {@code Conv → PRelu} (FaceMesh) or {@code Conv → HardSwish}
     * (MobileNetV3) left the Conv in float with DequantizeLinear on its input and weight. With a quantizer on the
     * activation's input the pair becomes {@code QLinearConv → DQ → PRelu → Q}. Transformers keep their element-wise
     * ops in float (NNCF's patterns).
     */
    private static List<QuantInput> afterIntegerProducer(ModelGraph graph, Node node, ModelType modelType) {
        if (modelType == ModelType.TRANSFORMER || node.inputs().isEmpty() || graph.isConstant(node.inputs().get(0))) {
            return List.of();
        }
        Node p = graph.producer(node.inputs().get(0));
        if (p == null) {
            return List.of();
        }
        boolean mac = MAC_OPS.contains(p.opType());
        boolean binary = (p.opType().equals("Add") || p.opType().equals("Mul")) && p.inputs().size() == 2
                && !graph.isConstant(p.inputs().get(0)) && !graph.isConstant(p.inputs().get(1));
        return mac || binary ? List.of(new QuantInput(0, PointKind.ACTIVATION, -1)) : List.of();
    }

    /** How far up through constant Add/Mul/Div steps a gate's non-linearity is looked for (GELU needs 3). */
    static final int GATE_DEPTH = 3;

    private static final java.util.Set<String> GATES = java.util.Set.of("Sigmoid", "HardSigmoid", "Tanh", "Erf",
            "Softmax");

    /** True when {@code tensor} is a gate: a sigmoid-like op, possibly behind a few constant affine steps. */
    private static boolean isGate(ModelGraph graph, String tensor, int depth) {
        Node p = graph.producer(tensor);
        if (p == null || depth == 0) {
            return false;
        }
        if (GATES.contains(p.opType())) {
            return true;
        }
        if ((p.opType().equals("Add") || p.opType().equals("Mul") || p.opType().equals("Div"))
                && p.inputs().size() == 2) {
            String a = p.inputs().get(0);
            String b = p.inputs().get(1);
            if (graph.isConstant(a)) {
                return isGate(graph, b, depth - 1);
            }
            if (graph.isConstant(b)) {
                return isGate(graph, a, depth - 1);
            }
        }
        return false;
    }

    /**
     * Gates of the x·gate(x) activations: SiLU/Swish {@code x·σ(x)} and HardSwish {@code x·HardSigmoid(x)} (what
     * ONNX defines HardSwish as, and what ONNX Runtime runs for it).
     */
    private static final Set<String> SWISH_GATES = Set.of("Sigmoid", "HardSigmoid");

    /** True when the Sigmoid/HardSigmoid is the gate of a SiLU/HardSwish: a Mul reads its input and its output. */
    static boolean siluGate(ModelGraph graph, Node sigmoid) {
        String x = sigmoid.inputs().get(0);
        String s = sigmoid.outputs().get(0);
        return graph.consumers(s).stream().anyMatch(u -> u.node().opType().equals("Mul")
                && u.node().inputs().size() == 2 && u.node().inputs().contains(x));
    }

    /** The input index of a SiLU's Mul that is the Sigmoid's output, or -1 when the Mul is not x·σ(x). */
    private static int siluGateIndex(ModelGraph graph, List<String> in) {
        for (int i = 0; i < 2; i++) {
            Node p = graph.producer(in.get(i));
            if (p != null && SWISH_GATES.contains(p.opType()) && p.inputs().get(0).equals(in.get(1 - i))) {
                return i;
            }
        }
        return -1;
    }

    private static List<QuantInput> elementwise(ModelGraph graph, List<String> in, ModelType modelType,
                                                String opType, ActivationGates gates) {
        if (modelType == ModelType.TRANSFORMER || in.size() != 2) {
            return List.of();
        }
        if (graph.isConstant(in.get(0)) || graph.isConstant(in.get(1))) {
            return List.of(); // a constant operand is a bias/scale: the op folds into its producer's kernel
        }
        int silu = opType.equals("Mul") ? siluGateIndex(graph, in) : -1;
        if (silu >= 0 && gates == ActivationGates.INPUT) {
            return List.of(new QuantInput(1 - silu, PointKind.ACTIVATION, -1)); // x of x·σ(x), shared with σ
        }
        if (silu >= 0 && gates == ActivationGates.INTEGER) {
            return List.of(new QuantInput(0, PointKind.ACTIVATION, -1), new QuantInput(1, PointKind.ACTIVATION, -1));
        }
        if (opType.equals("Mul") && (isGate(graph, in.get(0), GATE_DEPTH) || isGate(graph, in.get(1), GATE_DEPTH))) {
            return List.of(); // x·σ(x) (SiLU/Swish), SE-block gates, GELU: one fused activation, as NNCF's patterns
        }
        return List.of(new QuantInput(0, PointKind.ACTIVATION, -1), new QuantInput(1, PointKind.ACTIVATION, -1));
    }

    private static List<QuantInput> inputs(ModelGraph graph, List<String> in, int[] indices, int weightAxis) {
        List<QuantInput> out = new ArrayList<>();
        for (int i : indices) {
            if (i >= in.size() || in.get(i).isEmpty()) {
                continue;
            }
            boolean constant = graph.isConstant(in.get(i));
            // only the weight slot (index 1) gets a channel axis; a constant data input is a per-tensor weight
            int axis = constant && i == 1 ? weightAxis : -1;
            out.add(new QuantInput(i, constant ? PointKind.WEIGHT : PointKind.ACTIVATION, axis));
        }
        return out;
    }

    /** Output-column axis of a MatMul's B operand: its last axis when the rank is known and ≥ 2. */
    private static int lastAxis(ModelGraph graph, String tensor) {
        Optional<long[]> shape = graph.info(tensor).map(t -> t.shape());
        if (shape.isPresent() && shape.get() != null && shape.get().length >= 2) {
            return shape.get().length - 1;
        }
        return graph.constantValue(tensor).filter(t -> t.rank() >= 2).map(t -> t.rank() - 1).orElse(-1);
    }
}

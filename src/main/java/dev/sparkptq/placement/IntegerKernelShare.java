package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Batches;
import dev.sparkptq.data.Sample;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.Passes;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which share of a quantized model's multiply-accumulates the runtime executes in integer kernels.
 *
 * <p>Why measure it rather than count Q/DQ pairs: ONNX Runtime fuses {@code DQ → Conv → Q} into QLinearConv only when
 * the pattern is complete (a quantizer must follow the op); a quantized op left behind a DequantizeLinear runs as a
 * float kernel and the model gets slower than FP32 (YOLOX with float SiLU). The runtime's optimized graph is the
 * ground truth.
 *
 * <p>How: MACs are counted on our quantized graph (Conv/ConvTranspose/MatMul/Gemm, from tensor shapes measured on one
 * sample — neither ORT's optimized graph nor most exported models record intermediate shapes). An op counts as
 * integer when some integer kernel of the optimized graph reads its int8 weight initializer (ORT keeps those names
 * while it renames activations freely: NHWC transposes, signed-to-unsigned conversion, NCHWc layouts).
 */
public final class IntegerKernelShare {
    /** ONNX ops whose multiply-accumulates are counted. */
    static final Set<String> MAC_OPS = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm", "MatMulInteger");

    /** ORT kernels that multiply in integers (ONNX and com.microsoft domains). */
    static final Set<String> INTEGER_KERNELS = Set.of("QLinearConv", "QLinearConvTranspose", "QLinearMatMul",
            "MatMulIntegerToFloat", "ConvInteger", "MatMulInteger", "DynamicQuantizeMatMul", "QGemm", "QAttention");

    /** Float compute kernels ORT may turn a MAC op into (listed in {@code kernelOps} next to the integer ones). */
    private static final Set<String> FLOAT_KERNELS = Set.of("Conv", "FusedConv", "NhwcFusedConv", "ConvTranspose",
            "MatMul", "FusedMatMul", "Gemm", "FusedGemm", "Attention");

    /** At most this many float ops are named in the report. */
    static final int FLOAT_OPS_LISTED = 10;

    private IntegerKernelShare() {
    }

    /**
     * @param quantized our quantized graph
     * @param shapes    tensor name → shape on one sample, for every MAC op's output and non-initializer inputs
     * @param optimized the graph the runtime executes
     */
    static RunReport.IntegerKernelSummary of(ModelGraph quantized, Map<String, long[]> shapes,
                                             OnnxMl.ModelProto optimized) {
        List<OnnxMl.NodeProto> integerKernels = new ArrayList<>();
        Map<String, Integer> kernelOps = new TreeMap<>();
        for (OnnxMl.NodeProto n : optimized.getGraph().getNodeList()) {
            String type = n.getOpType();
            if (INTEGER_KERNELS.contains(type)) {
                integerKernels.add(n);
            }
            if (INTEGER_KERNELS.contains(type) || FLOAT_KERNELS.contains(type) || type.startsWith("QLinear")) {
                String domain = n.getDomain();
                kernelOps.merge(domain.isEmpty() || domain.equals("ai.onnx") ? type : domain + ":" + type, 1,
                        Integer::sum);
            }
        }
        long total = 0;
        long integer = 0;
        int ops = 0;
        int integerOps = 0;
        Map<String, Long> floatOps = new TreeMap<>();
        for (Node node : quantized.nodes()) {
            if (!MAC_OPS.contains(node.opType())) {
                continue;
            }
            long macs = macs(node, quantized, shapes);
            ops++;
            total += macs;
            if (runsInteger(node, quantized, integerKernels)) {
                integer += macs;
                integerOps++;
            } else {
                floatOps.put(node.name(), macs);
            }
        }
        List<String> biggestFloat = floatOps.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(FLOAT_OPS_LISTED).map(Map.Entry::getKey).toList();
        return new RunReport.IntegerKernelSummary(total, integer, total == 0 ? 0 : (double) integer / total, ops,
                integerOps, kernelOps, biggestFloat);
    }

    /**
     * Measures the share for {@code quantized}: one run of the model on {@code sample} with the MAC ops' tensors
     * exposed (for shapes), and the runtime's optimized graph written to {@code workDir}.
     */
    public static RunReport.IntegerKernelSummary measure(OnnxMl.ModelProto quantized, Sample sample, Passes passes) {
        EngineFactory engines = passes.engines();
        Path workDir = passes.workDir();
        ModelGraph graph = ModelGraph.of(quantized);
        List<String> tensors = new ArrayList<>(tensorsToMeasure(graph));
        List<GraphEdit> edits = new ArrayList<>();
        tensors.forEach(t -> edits.add(new GraphEdit.AddOutput(t)));
        ModelBlob probe = passes.stage(GraphRewriter.apply(quantized, edits), "kernel-shapes");
        Map<String, long[]> shapes = new java.util.HashMap<>();
        try {
            Map<String, Tensor> out = engines.open(probe, EngineOptions.forInference(1))
                    .run(Batches.concat(List.of(sample)), tensors);
            out.forEach((name, t) -> shapes.put(name, t.shape()));
        } finally {
            engines.evict(probe.digest());
        }
        ModelBlob model = passes.stage(quantized, "kernel-model");
        Path optimized = workDir.resolve("kernel-optimized.onnx");
        try {
            engines.writeOptimized(model, EngineOptions.forInference(1), optimized);
            return of(graph, shapes, ModelIo.load(optimized));
        } finally {
            deleteQuietly(optimized);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException ignored) {
            // best effort: the run's work folder is deleted at the end anyway
        }
    }

    /** The tensors whose shapes {@link #of} needs: each MAC op's output and its inputs that are not initializers. */
    static Set<String> tensorsToMeasure(ModelGraph graph) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (Node node : graph.nodes()) {
            if (MAC_OPS.contains(node.opType())) {
                out.add(floatOutput(node, graph));
                // MatMulInteger's inputs are integer tensors (exposing them as outputs needs their types); its MACs
                // follow from the output and the constant weight
                for (int i = 0; i < (node.opType().equals("MatMulInteger") ? 0 : Math.min(2, node.inputs().size()));
                     i++) {
                    if (!graph.isInitializer(node.inputs().get(i))) {
                        out.add(node.inputs().get(i));
                    }
                }
            }
        }
        return out;
    }

    /**
     * True when an integer kernel of the optimized graph computes this op. ORT keeps the names of quantized weight
     * initializers as kernel inputs but renames quantized activations (signed-to-unsigned conversion, NHWC
     * transposes), so an op with a quantized constant input is found by that name alone; an activation×activation
     * op by its quantized inputs, or by its output (or the output of the quantizer right after it).
     */
    private static boolean runsInteger(Node node, ModelGraph graph, List<OnnxMl.NodeProto> integerKernels) {
        Set<String> weights = new HashSet<>();
        Set<String> activations = new HashSet<>();
        if (node.opType().equals("MatMulInteger") && graph.isConstant(node.inputs().get(1))) {
            weights.add(node.inputs().get(1)); // dynamic quantization: the int8 weight is read directly
        }
        for (int i = 0; i < Math.min(2, node.inputs().size()); i++) {
            Node p = graph.producer(node.inputs().get(i));
            if (p != null && p.opType().equals("DequantizeLinear")) {
                String q = p.inputs().get(0);
                (graph.isConstant(q) ? weights : activations).add(q);
            }
        }
        if (weights.isEmpty() && activations.isEmpty()) {
            return false;
        }
        if (!weights.isEmpty()) {
            return integerKernels.stream().anyMatch(k -> k.getInputList().containsAll(weights));
        }
        Set<String> outputs = new HashSet<>(node.outputs());
        graph.consumers(node.outputs().get(0)).stream().filter(u -> u.node().opType().equals("QuantizeLinear"))
                .forEach(u -> outputs.addAll(u.node().outputs()));
        return integerKernels.stream().anyMatch(k -> k.getInputList().containsAll(activations)
                || k.getOutputList().stream().anyMatch(outputs::contains));
    }

    /**
     * Multiply-accumulates of one op: Conv {@code |Y|·|W|/M} (each output element sums C/group·kernel products),
     * ConvTranspose {@code |X|·|W|/C}, MatMul {@code |Y|·K} with K the last axis of A, Gemm {@code |Y|·K}. 0 when a
     * shape is unknown.
     */
    static long macs(Node node, ModelGraph graph, Map<String, long[]> shapes) {
        long[] a = node.opType().equals("MatMulInteger") ? shape(node.inputs().get(1), graph, shapes)
                : shape(node.inputs().get(0), graph, shapes);
        long[] w = node.inputs().size() > 1 ? shape(node.inputs().get(1), graph, shapes) : null;
        long[] y = shape(floatOutput(node, graph), graph, shapes);
        if (a == null || w == null || y == null || w.length == 0 || a.length == 0) {
            return 0;
        }
        return switch (node.opType()) {
            case "Conv" -> numel(y) * (numel(w) / Math.max(1, w[0]));
            case "ConvTranspose" -> numel(a) * (numel(w) / Math.max(1, w[0]));
            case "MatMul" -> numel(y) * a[a.length - 1];
            case "MatMulInteger" -> numel(y) * a[0]; // a is the [K, N] weight here
            case "Gemm" -> numel(y) * (node.intAttr("transA", 0) == 1 ? a[0] : a[a.length - 1]);
            default -> 0;
        };
    }

    /**
     * The float tensor shaped like the op's output: the output itself, or for MatMulInteger (int32 output, which a
     * probe cannot expose as float) the Cast that reads it.
     */
    private static String floatOutput(Node node, ModelGraph graph) {
        String y = node.outputs().get(0);
        if (node.opType().equals("MatMulInteger")) {
            return graph.consumers(y).stream().filter(u -> u.node().opType().equals("Cast"))
                    .map(u -> u.node().outputs().get(0)).findFirst().orElse(y);
        }
        return y;
    }

    private static long[] shape(String tensor, ModelGraph graph, Map<String, long[]> shapes) {
        long[] measured = shapes.get(tensor);
        if (measured != null) {
            return measured;
        }
        return graph.isInitializer(tensor) ? graph.constantValue(tensor).map(t -> t.shape()).orElse(null) : null;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}

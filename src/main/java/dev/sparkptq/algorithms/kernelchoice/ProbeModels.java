package dev.sparkptq.algorithms.kernelchoice;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.graph.edit.Role;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small models that run one {@link KernelGroup} alone, as each kernel would run it in the quantized model: the
 * group's ops copied from the model with their weights, and each MatMul's bias Add when it is the op's only reader
 * (ONNX Runtime's dynamic kernels absorb it, static QDQ leaves it a separate node — part of what is compared).
 * The quantized variants are made by the same graph edits as the real model, so what is timed is what is shipped.
 *
 * <pre>
 *   FLOAT:    x ──► MatMul(x, W) ──► Add(·, b) ──► y            (one branch per op of the group)
 *   STATIC:   x ──► Q ──► DQ ──► MatMul(·, DQ(W_int8)) ──► Add ──► y
 *   DYNAMIC:  x ──► DynamicQuantizeLinear ──► MatMulInteger ──► Cast ──► Mul ──► Add ──► y
 * </pre>
 */
public final class ProbeModels {
    private ProbeModels() {
    }

    /** The graph input of every probe model. */
    public static final String INPUT = "x";

    /** A group's probe models and the output each op's result is read from. */
    public record Probes(Map<Kernel, OnnxMl.ModelProto> models, Map<String, String> outputs) {
    }

    /**
     * @param graph  the model the group is in (after every float rewrite, e.g. SmoothQuant)
     * @param plan   the static plan; its points on the group's inputs give the STATIC variant
     * @param params point id → parameters
     * @param rank   rank of the group's input tensor (measured)
     */
    public static Probes of(ModelGraph graph, KernelGroup group, QuantizationPlan plan, Map<String, QuantParams> params,
                            int rank) {
        OnnxMl.ModelProto base = floatModel(graph, group, rank);
        Map<String, String> outputs = new LinkedHashMap<>();
        for (KernelOp op : group.ops()) {
            outputs.put(op.node(), resultOf(graph, op.node()));
        }
        Map<Kernel, OnnxMl.ModelProto> models = new LinkedHashMap<>();
        models.put(Kernel.FLOAT, base);
        models.put(Kernel.STATIC, GraphRewriter.apply(base, staticEdits(group, plan, params)));
        models.put(Kernel.DYNAMIC, GraphRewriter.apply(base, dynamicEdits(graph, group, plan, params)));
        return new Probes(models, outputs);
    }

    /**
     * What a group's latency depends on: each op's type, weight shape, transB and bias Add, and the input's rank.
     * Groups with the same signature (the same layer type in every block of a transformer) are timed once.
     */
    public static String signature(ModelGraph graph, KernelGroup group, int rank) {
        StringBuilder b = new StringBuilder("rank ").append(rank);
        for (KernelOp op : group.ops()) {
            Node n = graph.node(op.node()).orElseThrow();
            b.append(" | ").append(n.opType()).append(java.util.Arrays.toString(
                    graph.constantValue(op.weight()).orElseThrow().shape())).append(op.transB() ? " transB" : "")
                    .append(biasAdd(graph, op.node()) != null || n.inputs().size() > 2 ? " +bias" : "");
        }
        return b.toString();
    }

    /** The edits that make the ops of {@code group} dynamic (used for the probe and for the real model alike). */
    public static List<GraphEdit> dynamicEdits(ModelGraph graph, KernelGroup group, QuantizationPlan plan,
                                               Map<String, QuantParams> params) {
        List<GraphEdit> edits = new ArrayList<>();
        for (KernelOp op : group.ops()) {
            QuantizationPoint wp = KernelCandidates.point(plan, op.node(), 1).orElseThrow(() ->
                    new InternalException("no weight quantizer planned for " + op.node()));
            DynamicWeights.Quantized q = DynamicWeights.of(graph.constantValue(op.weight()).orElseThrow(),
                    params.get(wp.id()), op.transB());
            edits.add(new GraphEdit.QuantizeDynamically(op.node(), q.weight(), q.scale()));
        }
        return edits;
    }

    private static List<GraphEdit> staticEdits(KernelGroup group, QuantizationPlan plan,
                                               Map<String, QuantParams> params) {
        Map<String, List<InputRef>> activationConsumers = new LinkedHashMap<>();
        Map<String, QuantParams> activationParams = new LinkedHashMap<>();
        List<GraphEdit> edits = new ArrayList<>();
        for (KernelOp op : group.ops()) {
            QuantizationPoint ap = KernelCandidates.point(plan, op.node(), 0).orElseThrow();
            activationConsumers.computeIfAbsent(ap.id(), k -> new ArrayList<>()).add(new InputRef(op.node(), 0));
            activationParams.put(ap.id(), params.get(ap.id()));
            QuantizationPoint wp = KernelCandidates.point(plan, op.node(), 1).orElseThrow();
            edits.add(new GraphEdit.InsertQdq(op.weight(), List.of(new InputRef(op.node(), 1)), params.get(wp.id()),
                    Role.WEIGHT_COMPRESSED));
        }
        List<GraphEdit> all = new ArrayList<>();
        activationConsumers.forEach((id, refs) -> all.add(new GraphEdit.InsertQdq(INPUT, refs,
                activationParams.get(id), Role.ACTIVATION)));
        all.addAll(edits);
        return all;
    }

    /** The op's bias Add when it is the op's only reader and adds a constant, else the op itself. */
    static Node biasAdd(ModelGraph graph, String node) {
        Node n = graph.node(node).orElseThrow();
        List<Use> uses = graph.consumers(n.outputs().get(0));
        if (n.opType().equals("MatMul") && uses.size() == 1 && !graph.isGraphOutput(n.outputs().get(0))) {
            Node add = uses.get(0).node();
            String other = add.inputs().get(1 - uses.get(0).inputIndex());
            if (add.opType().equals("Add") && add.inputs().size() == 2 && graph.isInitializer(other)) {
                return add;
            }
        }
        return null;
    }

    private static String resultOf(ModelGraph graph, String node) {
        Node add = biasAdd(graph, node);
        return add != null ? add.outputs().get(0) : graph.node(node).orElseThrow().outputs().get(0);
    }

    private static OnnxMl.ModelProto floatModel(ModelGraph graph, KernelGroup group, int rank) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-probe");
        g.addInput(floatValue(INPUT, rank));
        Set<String> initializers = new LinkedHashSet<>();
        for (KernelOp op : group.ops()) {
            Node n = graph.node(op.node()).orElseThrow();
            OnnxMl.NodeProto copy = proto(graph, n).toBuilder().setInput(0, INPUT).build();
            g.addNode(copy);
            n.inputs().stream().skip(1).filter(t -> !t.isEmpty()).forEach(initializers::add);
            Node add = biasAdd(graph, op.node());
            if (add != null) {
                g.addNode(proto(graph, add));
                add.inputs().stream().filter(graph::isInitializer).forEach(initializers::add);
            }
            g.addOutput(floatValue(resultOf(graph, op.node()), -1));
        }
        for (OnnxMl.TensorProto t : graph.proto().getGraph().getInitializerList()) {
            if (initializers.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        return graph.proto().toBuilder().clearMetadataProps().setGraph(g).build();
    }

    private static OnnxMl.NodeProto proto(ModelGraph graph, Node n) {
        return graph.proto().getGraph().getNode(n.index());
    }

    private static OnnxMl.ValueInfoProto floatValue(String name, int rank) {
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxType());
        if (rank >= 0) {
            OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
            for (int d = 0; d < rank; d++) {
                s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + d));
            }
            t.setShape(s);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(t)).build();
    }
}

package dev.sparkptq.plan;

import dev.sparkptq.config.CompressionSection;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Subgraphs;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.edit.InputRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides where quantizers go (no graph is edited here): walks the nodes in topological order, asks {@link OpRules}
 * which inputs each op wants quantized, skips ignored nodes, and merges requests on the same tensor into one shared
 * quantizer.
 */
public final class QuantizationPlanner {
    private QuantizationPlanner() {
    }

    public static QuantizationPlan plan(ModelGraph graph, QuantizationParams params, CompressionSection compression) {
        rejectQuantizedModel(graph);
        IgnoredMatcher ignored = IgnoredMatcher.validated(params.ignored(), graph);
        boolean perChannelOk = graph.opset() >= 13;
        List<String> notes = new ArrayList<>();
        Map<String, PointBuilder> byTensor = new LinkedHashMap<>();
        Set<String> subgraphReads = subgraphReads(graph);
        for (Node node : graph.nodes()) {
            if (ignored.matches(node)) {
                continue;
            }
            for (OpRules.QuantInput qi : OpRules.quantizedInputs(node, graph, compression.modelType(),
                    compression.targetDevice(), params.activationGates(), params.activationMatMuls())) {
                String tensor = node.inputs().get(qi.index());
                if (!isFloat(graph, tensor)) {
                    continue;
                }
                if (qi.kind() == PointKind.WEIGHT && subgraphReads.contains(tensor)) {
                    note(notes, "weight '" + tensor + "' is also read inside a subgraph: left in float");
                    continue;
                }
                TensorQuantSpec spec = qi.kind() == PointKind.WEIGHT ? params.weights() : params.activations();
                int axis = channelAxis(graph, qi, spec, tensor, node.opType(), perChannelOk, notes);
                byTensor.computeIfAbsent(tensor, t -> new PointBuilder(t, qi.kind(), spec, axis,
                                qi.kind() == PointKind.WEIGHT && !graph.isInitializer(t)))
                        .add(new InputRef(node.name(), qi.index()), axis);
            }
        }
        byTensor.values().forEach(b -> b.completeForProducer(graph, byTensor.keySet(), ignored));
        if (byTensor.isEmpty()) {
            int inside = opsInsideSubgraphs(graph);
            throw new ModelException("nothing to quantize: the model has no " + String.join("/", OpRules.QUANTIZABLE)
                    + " op with float inputs outside the ignored scope" + (inside == 0
                    ? "; check ignored.scope/ignored.operations" : " (its " + inside + " ops inside If/Loop/Scan "
                    + "subgraphs stay in float: spark-ptq quantizes the main graph only)"));
        }
        List<QuantizationPoint> points = new java.util.ArrayList<>(
                byTensor.values().stream().map(PointBuilder::build).toList());
        points.addAll(Propagation.tiedPoints(graph, points));
        Set<String> nodes = new TreeSet<>();
        points.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(points, nodes, notes);
    }

    /** Values read inside control-flow subgraphs: weights among them stay exactly as they are. */
    private static Set<String> subgraphReads(ModelGraph graph) {
        Set<String> out = new java.util.HashSet<>();
        graph.proto().getGraph().getNodeList().forEach(n -> out.addAll(Subgraphs.referencedNames(n)));
        return out;
    }

    private static int opsInsideSubgraphs(ModelGraph graph) {
        int count = 0;
        for (ai.onnx.proto.OnnxMl.NodeProto n : graph.proto().getGraph().getNodeList()) {
            for (ai.onnx.proto.OnnxMl.AttributeProto a : n.getAttributeList()) {
                count += a.hasG() ? a.getG().getNodeCount() : 0;
                count += a.getGraphsList().stream().mapToInt(ai.onnx.proto.OnnxMl.GraphProto::getNodeCount).sum();
            }
        }
        return count;
    }

    private static void rejectQuantizedModel(ModelGraph graph) {
        for (Node n : graph.nodes()) {
            if (OpRules.QUANTIZED_OPS.contains(n.opType())) {
                throw new ModelException("the model is already quantized (node '" + n.name() + "' is "
                        + n.opType() + "); give spark-ptq the FP32 model");
            }
        }
    }

    private static boolean isFloat(ModelGraph graph, String tensor) {
        DType t = graph.info(tensor).map(i -> i.dtype()).orElse(null);
        if (t == null) {
            t = graph.constantValue(tensor).map(v -> v.dtype()).orElse(DType.FLOAT);
        }
        return t == DType.FLOAT;
    }

    private static int channelAxis(ModelGraph graph, OpRules.QuantInput qi, TensorQuantSpec spec, String tensor,
                                   String opType, boolean perChannelOk, List<String> notes) {
        if (spec.granularity() != Granularity.PER_CHANNEL) {
            return -1;
        }
        if (!perChannelOk) {
            note(notes, "opset " + graph.opset() + " < 13: per-channel quantizers fall back to per-tensor");
            return -1;
        }
        if (qi.kind() == PointKind.WEIGHT) {
            return qi.weightAxis();
        }
        long[] shape = graph.info(tensor).map(i -> i.shape()).orElse(null);
        if (shape == null || shape.length < 2) {
            note(notes, "per-channel activation '" + tensor + "' has unknown rank: quantized per tensor");
            return -1;
        }
        return opType.equals("MatMul") || opType.equals("Gemm") ? shape.length - 1 : 1;
    }

    private static void note(List<String> notes, String text) {
        if (!notes.contains(text)) {
            notes.add(text);
        }
    }

    /** Collects the consumers of one tensor; conflicting channel axes fall back to per-tensor. */
    private static final class PointBuilder {
        private final String tensor;
        private final PointKind kind;
        private final TensorQuantSpec spec;
        private final boolean constantNode;
        private final List<InputRef> consumers = new ArrayList<>();
        private int axis;

        PointBuilder(String tensor, PointKind kind, TensorQuantSpec spec, int axis, boolean constantNode) {
            this.tensor = tensor;
            this.kind = kind;
            this.spec = spec;
            this.axis = axis;
            this.constantNode = constantNode;
        }

        PointBuilder add(InputRef ref, int wantedAxis) {
            consumers.add(ref);
            if (wantedAxis != axis) {
                axis = -1;
            }
            return this;
        }

        /** Adds the float readers that keep an activation's producer from fusing ({@link ProducerFusion}). */
        void completeForProducer(ModelGraph graph, Set<String> quantized, IgnoredMatcher ignored) {
            if (kind == PointKind.ACTIVATION) {
                ProducerFusion.missingReaders(graph, tensor, consumers, quantized::contains, ignored::matches)
                        .forEach(consumers::add);
            }
        }

        QuantizationPoint build() {
            TensorQuantSpec s = axis < 0 && spec.granularity() == Granularity.PER_CHANNEL
                    ? new TensorQuantSpec(spec.bits(), spec.mode(), Granularity.PER_TENSOR, spec.levelLow(),
                    spec.levelHigh(), spec.rangeEstimator())
                    : spec;
            return new QuantizationPoint(tensor, kind, consumers, axis, s, constantNode, null);
        }
    }
}

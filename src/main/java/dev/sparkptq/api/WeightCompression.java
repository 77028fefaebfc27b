package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link ModelIo#compressModelWeights}: every QuantizeLinear of the main graph that depends on initializers only
 * (a float weight, possibly clipped by Max/Min to narrow levels) is computed once by ONNX Runtime itself — so the
 * stored integers are exactly what the model computed at run time — and replaced by an integer initializer named
 * after its output. Nodes and float initializers nothing reads any more are dropped.
 */
final class WeightCompression {
    private WeightCompression() {
    }

    static OnnxMl.ModelProto apply(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        List<OnnxMl.NodeProto> constant = constantNodes(graph);
        List<OnnxMl.NodeProto> targets = constant.stream().filter(n -> n.getOpType().equals("QuantizeLinear"))
                .toList();
        if (targets.isEmpty()) {
            return model;
        }
        Map<String, Tensor> values = evaluate(model, constant, targets);
        Set<String> replaced = new HashSet<>(values.keySet());
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearNode().clearInitializer();
        List<OnnxMl.NodeProto> kept = new ArrayList<>(graph.getNodeList().stream()
                .filter(n -> !targets.contains(n)).toList());
        dropUnread(kept, constant, graph);
        kept.forEach(out::addNode);
        Set<String> read = reads(kept, graph);
        graph.getInitializerList().stream().filter(t -> read.contains(t.getName()) && !replaced.contains(t.getName()))
                .forEach(out::addInitializer);
        values.forEach((name, value) -> out.addInitializer(TensorProtos.fromTensor(name, value)));
        return model.toBuilder().setGraph(out).build();
    }

    /** Nodes whose inputs are all initializers or outputs of such nodes (graph order is topological). */
    private static List<OnnxMl.NodeProto> constantNodes(OnnxMl.GraphProto graph) {
        Set<String> known = new HashSet<>();
        graph.getInitializerList().forEach(t -> known.add(t.getName()));
        graph.getInputList().forEach(i -> known.remove(i.getName())); // an initializer a caller may override
        List<OnnxMl.NodeProto> out = new ArrayList<>();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            boolean allConstant = n.getInputCount() > 0 && n.getAttributeList().stream().noneMatch(a -> a.hasG())
                    && n.getInputList().stream().allMatch(i -> i.isEmpty() || known.contains(i));
            if (allConstant) {
                out.add(n);
                known.addAll(n.getOutputList());
            }
        }
        return out;
    }

    /** Runs the constant nodes alone (no graph inputs) in ONNX Runtime and returns the targets' outputs. */
    private static Map<String, Tensor> evaluate(OnnxMl.ModelProto model, List<OnnxMl.NodeProto> constant,
                                                List<OnnxMl.NodeProto> targets) {
        Map<String, Integer> types = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> types.put(t.getName(), t.getDataType()));
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("weights")
                .addAllInitializer(model.getGraph().getInitializerList()).addAllNode(constant);
        List<String> names = new ArrayList<>();
        for (OnnxMl.NodeProto q : targets) {
            boolean hasZp = q.getInputCount() > 2 && !q.getInput(2).isEmpty();
            int type = hasZp ? types.getOrDefault(q.getInput(2), DType.UINT8.onnxType()) : DType.UINT8.onnxType();
            names.add(q.getOutput(0));
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(q.getOutput(0)).setType(OnnxMl.TypeProto
                    .newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type))));
        }
        byte[] bytes = model.toBuilder().setGraph(g).build().toByteArray();
        OrtEngineFactory engines = new OrtEngineFactory();
        String digest = dev.sparkptq.graph.ModelIo.sha256(bytes);
        try {
            InferenceEngine engine = engines.open(ModelBlob.ofBytes(digest, bytes), EngineOptions.forInference(1));
            return new HashMap<>(engine.run(Map.of(), names));
        } finally {
            engines.evict(digest);
        }
    }

    /** Removes constant nodes none of whose outputs is read by a remaining node or a graph output. */
    private static void dropUnread(List<OnnxMl.NodeProto> kept, List<OnnxMl.NodeProto> constant,
                                   OnnxMl.GraphProto graph) {
        boolean changed = true;
        while (changed) {
            Set<String> read = reads(kept, graph);
            changed = kept.removeIf(n -> constant.contains(n) && n.getOutputList().stream().noneMatch(read::contains));
        }
    }

    private static Set<String> reads(List<OnnxMl.NodeProto> nodes, OnnxMl.GraphProto graph) {
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        graph.getOutputList().forEach(o -> read.add(o.getName()));
        return read;
    }
}

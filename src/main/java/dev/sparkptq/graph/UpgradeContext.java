package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the node rewrites of {@link OpsetUpgrade} need to know about the graph being upgraded: fresh names, constant
 * inputs, known ranks and element types, which values are read; and the initializers they add.
 *
 * <p>Element types and ranks are taken from graph inputs, outputs, value_info and initializers, then inferred forward
 * by {@link ValueFacts} (ONNX's type and shape rules), which is how Pad-2 and Clip-6 constants get the type of the
 * data they pad or clip when an exporter wrote no value_info (PaddleOCR's exports write none).
 */
final class UpgradeContext {
    private final int opset;
    private final FreshNames names;
    private final Set<String> consumed = new HashSet<>();
    private final Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    private final Map<String, Integer> elemTypes = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final List<OnnxMl.TensorProto> added = new ArrayList<>();

    UpgradeContext(OnnxMl.GraphProto g, int opset) {
        this.opset = opset;
        this.names = FreshNames.of(g);
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
            elemTypes.put(t.getName(), t.getDataType());
            ranks.put(t.getName(), t.getDimsCount());
        }
        List<OnnxMl.ValueInfoProto> infos = new ArrayList<>(g.getInputList());
        infos.addAll(g.getOutputList());
        infos.addAll(g.getValueInfoList());
        g.getOutputList().forEach(o -> consumed.add(o.getName()));
        for (OnnxMl.ValueInfoProto v : infos) {
            if (v.getType().hasTensorType()) {
                OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
                if (t.getElemType() != 0) {
                    elemTypes.putIfAbsent(v.getName(), t.getElemType());
                }
                if (t.hasShape()) {
                    ranks.putIfAbsent(v.getName(), t.getShape().getDimCount());
                }
            }
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            consumed.addAll(n.getInputList());
            consumed.addAll(Subgraphs.referencedNames(n));
        }
        ValueFacts facts = ValueFacts.of(g, opset, ValueFacts.Mode.SHAPES);
        for (String name : facts.names()) {
            facts.elemType(name).ifPresent(t -> elemTypes.putIfAbsent(name, t));
            if (facts.rank(name) >= 0) {
                ranks.putIfAbsent(name, facts.rank(name));
            }
        }
    }

    /** Default-domain opset of the model being upgraded. */
    int opset() {
        return opset;
    }

    /** A name no node or value of the graph uses yet: {@code base}, else {@code base_1}, {@code base_2}, … */
    String fresh(String base) {
        return names.fresh(base);
    }

    /** Adds an initializer under a fresh name derived from {@code base}; returns that name. */
    String addInitializer(String base, Tensor value) {
        String name = fresh(base);
        OnnxMl.TensorProto t = TensorProtos.fromTensor(name, value);
        added.add(t);
        initializers.put(name, t);
        return name;
    }

    List<OnnxMl.TensorProto> addedInitializers() {
        return List.copyOf(added);
    }

    /** The value of an initializer input, when {@code name} is one. */
    Optional<Tensor> constant(String name) {
        OnnxMl.TensorProto t = initializers.get(name);
        return t == null ? Optional.empty() : Optional.of(TensorProtos.toTensor(t));
    }

    /** Rank of a value whose shape the model declares (or an initializer's). */
    OptionalInt rank(String name) {
        Integer r = ranks.get(name);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    /** ONNX element type of a value, when declared or carried forward; empty when unknown. */
    OptionalInt elemType(String name) {
        Integer t = elemTypes.get(name);
        return t == null ? OptionalInt.empty() : OptionalInt.of(t);
    }

    /** True when a node (or subgraph) reads the value or it is a graph output. */
    boolean isRead(String name) {
        return consumed.contains(name);
    }
}

package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a forward walk over a graph knows about each value without running the model: its element type, its shape
 * (ranks and dimensions as far as the ops imply them, see {@link Dims}) and, in {@link Mode#CONSTANTS}, the value of
 * every tensor computed from constants only — including {@code Shape} of a tensor whose shape is static.
 *
 * <p>Exporters rarely write value_info for intermediate values (PaddleOCR's and PyTorch's exports carry none), yet
 * the opset converter needs the element type of a Clip's input to write its bounds as typed inputs, the BatchNorm
 * folding needs ranks, and constant folding needs static shapes; this is the "shape inference first" that ONNX
 * Runtime's {@code quant_pre_process} and NNCF's ONNX backend run before anything else. Declared value_info wins for
 * element types; where a declared shape has symbolic dimensions the inferred sizes fill them in. Nodes of other
 * domains and control-flow nodes produce values of unknown type and shape (If: its then-branch's declared outputs).
 */
public final class ValueFacts {
    /** Whether constant-only sub-graphs are evaluated (in Java, {@link ConstantEvaluator}) or only typed. */
    public enum Mode { SHAPES, CONSTANTS }

    /**
     * One value: {@code elemType} an ONNX {@code TensorProto.DataType} number (0 unknown), {@code dims} see
     * {@link Dims}, {@code value} non-null for constants.
     */
    public record Fact(int elemType, long[] dims, Tensor value) {
        static final Fact UNKNOWN = new Fact(0, null, null);

        static Fact of(Tensor t) {
            return new Fact(t.dtype().onnxType(), t.shape(), t);
        }
    }

    private final int opset;
    private final Mode mode;
    private final Map<String, Fact> facts = new HashMap<>();
    private final Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    private final Set<String> evaluated = new LinkedHashSet<>();
    private final Map<String, OnnxMl.ValueInfoProto> declared = new HashMap<>();

    private ValueFacts(int opset, Mode mode) {
        this.opset = opset;
        this.mode = mode;
    }

    /** Analyses the main graph of {@code model} at its default-domain opset. */
    public static ValueFacts of(OnnxMl.ModelProto model, Mode mode) {
        return of(model.getGraph(), OpsetPolicy.opset(model), mode);
    }

    /** Analyses {@code g}, whose default-domain ops are of {@code opset}. */
    public static ValueFacts of(OnnxMl.GraphProto g, int opset, Mode mode) {
        ValueFacts f = new ValueFacts(opset, mode);
        f.seed(g);
        for (int i : TopologicalOrder.of(g)) {
            f.visit(g.getNode(i));
        }
        return f;
    }

    private void seed(OnnxMl.GraphProto g) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
            facts.put(t.getName(), new Fact(t.getDataType(), t.getDimsList().stream().mapToLong(Long::longValue)
                    .toArray(), null));
        }
        List<OnnxMl.ValueInfoProto> infos = new ArrayList<>(g.getValueInfoList());
        infos.addAll(g.getOutputList());
        infos.addAll(g.getInputList());
        for (OnnxMl.ValueInfoProto v : infos) {
            declared.put(v.getName(), v);
        }
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                facts.put(v.getName(), declaredFact(v));
            }
        }
    }

    private static Fact declaredFact(OnnxMl.ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return Fact.UNKNOWN;
        }
        TensorInfoDims t = TensorInfoDims.of(v);
        return new Fact(t.elemType(), t.dims(), null);
    }

    /** Element type and dims of a ValueInfoProto. */
    private record TensorInfoDims(int elemType, long[] dims) {
        static TensorInfoDims of(OnnxMl.ValueInfoProto v) {
            OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
            long[] dims = t.hasShape() ? t.getShape().getDimList().stream()
                    .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : Dims.UNKNOWN).toArray() : null;
            return new TensorInfoDims(t.getElemType(), dims);
        }
    }

    private void visit(OnnxMl.NodeProto n) {
        List<Fact> in = new ArrayList<>(n.getInputCount());
        for (String name : n.getInputList()) {
            in.add(name.isEmpty() ? Fact.UNKNOWN : fact(name));
        }
        List<Fact> out = infer(n, in);
        for (int i = 0; i < n.getOutputCount(); i++) {
            String name = n.getOutput(i);
            if (!name.isEmpty()) {
                facts.put(name, merge(i < out.size() ? out.get(i) : Fact.UNKNOWN, declared.get(name)));
            }
        }
    }

    private List<Fact> infer(OnnxMl.NodeProto n, List<Fact> in) {
        boolean standard = OpsetStability.defaultDomain(n) && !Subgraphs.hasSubgraph(n);
        if (!standard) {
            return n.getOpType().equals("If") ? ifOutputs(n) : List.of();
        }
        if (n.getOpType().equals("Constant")) {
            return List.of(constantNode(n));
        }
        ShapeRules.Inputs inputs = new ShapeRules.Inputs(in, i -> i < n.getInputCount()
                && !n.getInput(i).isEmpty() ? constantOf(n.getInput(i)) : null);
        List<Fact> shaped = ShapeRules.infer(n, inputs, opset);
        if (mode == Mode.CONSTANTS) {
            Optional<List<Tensor>> values = ConstantEvaluator.evaluate(n, inputs, shaped, opset);
            if (values.isPresent()) {
                n.getOutputList().forEach(evaluated::add);
                return values.get().stream().map(Fact::of).toList();
            }
        }
        return shaped;
    }

    private static Fact constantNode(OnnxMl.NodeProto n) {
        Optional<Tensor> v = TensorProtos.constantNodeValue(n);
        if (v.isPresent()) {
            return Fact.of(v.get());
        }
        return NodeProtos.attr(n, "value").filter(OnnxMl.AttributeProto::hasT)
                .map(a -> new Fact(a.getT().getDataType(), a.getT().getDimsList().stream()
                        .mapToLong(Long::longValue).toArray(), null)).orElse(Fact.UNKNOWN);
    }

    private static List<Fact> ifOutputs(OnnxMl.NodeProto n) {
        return NodeProtos.attr(n, "then_branch").filter(OnnxMl.AttributeProto::hasG)
                .map(a -> a.getG().getOutputList().stream().map(ValueFacts::declaredFact).toList())
                .orElse(List.of());
    }

    /** Inferred facts, completed by what the model declares (declared element types win). */
    private static Fact merge(Fact inferred, OnnxMl.ValueInfoProto declaredInfo) {
        if (declaredInfo == null || !declaredInfo.getType().hasTensorType()) {
            return inferred;
        }
        TensorInfoDims d = TensorInfoDims.of(declaredInfo);
        int type = d.elemType() != 0 ? d.elemType() : inferred.elemType();
        long[] dims = inferred.dims();
        if (dims == null) {
            dims = d.dims();
        } else if (d.dims() != null && d.dims().length != dims.length) {
            dims = null; // the declaration and the ops disagree on the rank: trust neither
        } else if (d.dims() != null) {
            dims = dims.clone();
            for (int i = 0; i < dims.length; i++) {
                dims[i] = dims[i] >= 0 ? dims[i] : d.dims()[i];
            }
        }
        return new Fact(type, dims, inferred.value());
    }

    private Fact fact(String name) {
        return facts.getOrDefault(name, Fact.UNKNOWN);
    }

    /** The value of an initializer, a Constant output or (in {@link Mode#CONSTANTS}) an evaluated value. */
    private Tensor constantOf(String name) {
        Fact f = facts.get(name);
        if (f == null) {
            return null;
        }
        if (f.value() != null) {
            return f.value();
        }
        OnnxMl.TensorProto t = initializers.get(name);
        if (t == null || DType.fromOnnx(t.getDataType()) == null
                || t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return null;
        }
        Tensor v = TensorProtos.toTensor(t);
        facts.put(name, new Fact(f.elemType(), f.dims(), v));
        return v;
    }

    /** The element type of a value, when known. */
    public OptionalInt elemType(String name) {
        int t = fact(name).elemType();
        return t == 0 ? OptionalInt.empty() : OptionalInt.of(t);
    }

    /** The dims of a value ({@link Dims}), or null when its rank is unknown. */
    public long[] dims(String name) {
        return Dims.copy(fact(name).dims());
    }

    /** The rank of a value, or -1 when unknown. */
    public int rank(String name) {
        long[] d = fact(name).dims();
        return d == null ? -1 : d.length;
    }

    /** The value of a constant (initializer, Constant output, or a value evaluated in {@link Mode#CONSTANTS}). */
    public Optional<Tensor> constant(String name) {
        return Optional.ofNullable(constantOf(name));
    }

    /** Outputs of the nodes that {@link Mode#CONSTANTS} evaluated, in graph order. */
    public Set<String> evaluated() {
        return Collections.unmodifiableSet(evaluated);
    }

    /** Every value this analysis has a fact for. */
    public Set<String> names() {
        return Collections.unmodifiableSet(facts.keySet());
    }

    /** The default-domain opset the analysis read the ops at. */
    public int opset() {
        return opset;
    }
}

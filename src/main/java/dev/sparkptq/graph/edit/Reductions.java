package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;

import java.util.ArrayList;
import java.util.List;

/** Builds the nodes of a {@link GraphEdit.AddReduction} (see its javadoc for the shape of the subgraph). */
final class Reductions {
    /** From this opset on, ReduceMin/ReduceMax take their axes as an input instead of an attribute. */
    private static final int AXES_AS_INPUT_OPSET = 18;

    private enum Kind { MIN, MAX }

    private Reductions() {
    }

    static void apply(Draft draft, GraphEdit.AddReduction r) {
        if (!draft.exists(r.tensor())) {
            throw new InternalException("AddReduction names tensor '" + r.tensor() + "', which no node, initializer "
                    + "or graph input provides");
        }
        if (r.keepAxis() > 0 && r.rank() < 0) {
            throw new InternalException("AddReduction of '" + r.tensor() + "' keeps axis " + r.keepAxis()
                    + " but the rank is unknown");
        }
        String out = r.output();
        switch (r.reduction()) {
            case MAX -> reduced(draft, r, Kind.MAX, out);
            case MIN -> reduced(draft, r, Kind.MIN, out);
            case ABS_MAX -> {
                if (r.nonNegative()) {
                    reduced(draft, r, Kind.MAX, out);
                } else {
                    String max = reduced(draft, r, Kind.MAX, null);
                    String min = reduced(draft, r, Kind.MIN, null);
                    String neg = draft.fresh(out + "_negmin");
                    draft.insertAfterInputs(Nodes.node(draft.fresh(out + "_Neg"), "Neg", "", List.of(min), neg));
                    draft.insertAfterInputs(Nodes.node(draft.fresh(out + "_Max"), "Max", "", List.of(max, neg), out));
                }
            }
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DType.FLOAT.onnxType())).build();
        draft.outputs.add(OnnxMl.ValueInfoProto.newBuilder().setName(out).setType(type).build());
    }

    /**
     * The tensor holding the per-sample {@code kind} of {@code r}'s tensor over {@code r}'s axes, built once per
     * draft and shared; the first build writes into {@code into} when given, later asks with a target get an
     * Identity.
     */
    private static String reduced(Draft draft, GraphEdit.AddReduction r, Kind kind, String into) {
        String key = r.tensor() + "\u0000" + kind + "\u0000" + r.keepAxis() + "\u0000" + r.rank() + "\u0000"
                + r.nonNegative();
        String existing = draft.shared.get(key);
        if (existing != null) {
            if (into != null) {
                draft.insertAfterInputs(Nodes.node(draft.fresh(into + "_Identity"), "Identity", "",
                        List.of(existing), into));
                return into;
            }
            return existing;
        }
        String target = into != null ? into : draft.fresh(r.tensor() + "_" + kind.name().toLowerCase()
                + (r.keepAxis() >= 0 ? "_axis" + r.keepAxis() : "") + "_sample");
        build(draft, r, kind, target);
        draft.shared.put(key, target);
        return target;
    }

    private static void build(Draft draft, GraphEdit.AddReduction r, Kind kind, String target) {
        String x = r.tensor();
        if (kind == Kind.MIN && r.nonNegative()) {
            String max = reduced(draft, r, Kind.MAX, null);
            String zero = draft.shared.computeIfAbsent("\u0000zero", k -> {
                String name = draft.fresh("reduction_zero");
                draft.addInitializer(TensorProtos.fromTensor(name, Tensor.ofFloats(new long[0], new float[]{0f})));
                return name;
            });
            draft.insertAfterInputs(Nodes.node(draft.fresh(target + "_Min"), "Min", "", List.of(max, zero), target));
            return;
        }
        String op = kind == Kind.MIN ? "ReduceMin" : "ReduceMax";
        if (r.rank() < 0) {
            String flat = draft.shared.computeIfAbsent(x + "\u0000flat", k -> {
                String name = draft.fresh(x + "_flat");
                draft.insertAfterInputs(Nodes.node(draft.fresh(x + "_Flatten"), "Flatten", "", List.of(x), name,
                        Nodes.intAttr("axis", 1)));
                return name;
            });
            reduce(draft, op, flat, new long[]{1}, target);
            return;
        }
        if (kind == Kind.MAX && r.rank() == 4 && (r.keepAxis() == -1 || r.keepAxis() == 1)) {
            String pooled = r.keepAxis() == 1 ? target : draft.fresh(target + "_pooled");
            draft.insertAfterInputs(Nodes.node(draft.fresh(target + "_GlobalMaxPool"), "GlobalMaxPool", "",
                    List.of(x), pooled));
            if (r.keepAxis() == -1) {
                reduce(draft, op, pooled, axes(r.rank(), -1), target);
            }
            return;
        }
        long[] axes = axes(r.rank(), r.keepAxis());
        if (axes.length == 0) {
            draft.insertAfterInputs(Nodes.node(draft.fresh(target + "_Identity"), "Identity", "", List.of(x),
                    target));
        } else {
            reduce(draft, op, x, axes, target);
        }
    }

    private static void reduce(Draft draft, String op, String x, long[] axes, String target) {
        if (draft.opset() >= AXES_AS_INPUT_OPSET) {
            String axesName = draft.fresh(target + "_axes");
            draft.addInitializer(TensorProtos.fromTensor(axesName, Tensor.ofLongs(new long[]{axes.length}, axes)));
            draft.insertAfterInputs(Nodes.node(draft.fresh(target + "_" + op), op, "", List.of(x, axesName), target,
                    Nodes.intAttr("keepdims", 1)));
        } else {
            draft.insertAfterInputs(Nodes.node(draft.fresh(target + "_" + op), op, "", List.of(x), target,
                    Nodes.intsAttr("axes", axes), Nodes.intAttr("keepdims", 1)));
        }
    }

    /** Every axis but the batch axis 0 and {@code keep}. */
    private static long[] axes(int rank, int keep) {
        List<Long> out = new ArrayList<>();
        for (int a = 1; a < rank; a++) {
            if (a != keep) {
                out.add((long) a);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}

package dev.sparkptq.plan;

import dev.sparkptq.graph.edit.OrtQdqLayout;
import dev.sparkptq.config.QuantizationParams.WeightStorage;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphEdit.InsertQdq;
import dev.sparkptq.graph.edit.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a plan and its parameters into graph edits (decide first, rewrite second): the Q/DQ pairs that make the
 * model a plan quantizes with given parameters.
 */
public final class QdqEdits {
    private QdqEdits() {
    }

    /** A Q/DQ pair per point of {@code plan} with its parameters, then {@code extra}. */
    public static List<GraphEdit> of(QuantizationPlan plan, QuantizerParameters qparams, WeightStorage storage,
                                     List<GraphEdit> extra) {
        List<GraphEdit> edits = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            edits.add(new InsertQdq(p.tensor(), p.consumers(), qparams.params().get(p.id()), role(p, storage)));
        }
        edits.addAll(extra);
        return OrtQdqLayout.of(edits);
    }

    /** How a point's quantizer is written: activation, or weight stored compressed (int8) or as float. */
    public static Role role(QuantizationPoint p, WeightStorage storage) {
        if (p.kind() == PointKind.ACTIVATION) {
            return Role.ACTIVATION;
        }
        // a weight made by a Constant node has no initializer to replace: keep it float behind a Q/DQ pair
        return storage == WeightStorage.COMPRESSED && !p.constantNode()
                ? Role.WEIGHT_COMPRESSED : Role.WEIGHT_FLOAT;
    }
}

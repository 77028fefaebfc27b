package dev.sparkptq.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The immutable result of planning: every quantizer to insert, plus the notes planning made (e.g. per-channel
 * weights downgraded on an old opset).
 *
 * @param points         in deterministic order
 * @param quantizedNodes nodes whose inputs are quantized (sorted)
 * @param notes          human-readable decisions worth reporting
 */
public record QuantizationPlan(List<QuantizationPoint> points, Set<String> quantizedNodes, List<String> notes)
        implements Serializable {
    public QuantizationPlan {
        points = List.copyOf(points);
        quantizedNodes = Set.copyOf(new TreeSet<>(quantizedNodes));
        notes = List.copyOf(notes);
    }

    public List<QuantizationPoint> activations() {
        return points.stream().filter(p -> p.kind() == PointKind.ACTIVATION).toList();
    }

    /** Activation points with their own range (the ones that need statistics). */
    public List<QuantizationPoint> measuredActivations() {
        return points.stream().filter(p -> p.kind() == PointKind.ACTIVATION && p.tiedTo() == null).toList();
    }

    public List<QuantizationPoint> weights() {
        return points.stream().filter(p -> p.kind() == PointKind.WEIGHT).toList();
    }

    /** The plan with every point on the given tensors, and every point tied to them, removed (a revert). */
    public QuantizationPlan withoutTensors(Collection<String> tensors) {
        List<QuantizationPoint> kept = new ArrayList<>();
        for (QuantizationPoint p : points) {
            if (!tensors.contains(p.tensor()) && !tensors.contains(p.rangeSource())) {
                kept.add(p);
            }
        }
        Set<String> nodes = new TreeSet<>();
        kept.forEach(p -> nodes.addAll(p.consumerNodes()));
        return new QuantizationPlan(kept, nodes, notes);
    }
}

package dev.sparkptq.plan;

import dev.sparkptq.calibration.Range;
import dev.sparkptq.core.QuantParams;

import java.util.Map;
import java.util.TreeMap;

/**
 * Scale and zero point of every quantizer of a plan, with the range each came from.
 *
 * @param params point id → parameters (a tied point has its root's parameters)
 * @param ranges point id → estimated range
 */
public record QuantizerParameters(Map<String, QuantParams> params, Map<String, Range> ranges) {

    /**
     * These parameters with {@code replaced}'s points set (and those of the points of {@code plan} tied to them); the
     * ranges are kept.
     */
    public QuantizerParameters with(QuantizationPlan plan, Map<String, QuantParams> replaced) {
        Map<String, QuantParams> out = new TreeMap<>(params);
        out.putAll(replaced);
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() != null && replaced.containsKey(p.tiedTo())) {
                out.put(p.id(), replaced.get(p.tiedTo()));
            }
        }
        return new QuantizerParameters(out, ranges);
    }
}

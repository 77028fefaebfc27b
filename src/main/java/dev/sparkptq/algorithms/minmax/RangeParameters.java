package dev.sparkptq.algorithms.minmax;

import dev.sparkptq.calibration.BiasSafeScales;
import dev.sparkptq.calibration.ConsumerFunction;
import dev.sparkptq.calibration.HistogramRanges;
import dev.sparkptq.calibration.KnownRanges;
import dev.sparkptq.calibration.QuantParamsCalculator;
import dev.sparkptq.calibration.Range;
import dev.sparkptq.calibration.RangeEstimators;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.ValueBounds;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.ConsumerFunctions;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.plan.QuantizerParameters;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * MinMax's quantizer parameters: the range of every quantizer of a plan from the statistics (weights from their
 * values), then its scale and zero point.
 */
final class RangeParameters {
    private RangeParameters() {
    }

    static QuantizerParameters compute(QuantizationPlan plan, ModelGraph graph, Map<StatisticSpec, StatResult> stats) {
        return compute(plan, graph, stats, Map.of());
    }

    /**
     * @param histograms pass-2 histograms by tensor, for the activations whose estimator is histogram based (their
     *                   pass-1 extremes are in {@code stats})
     */
    static QuantizerParameters compute(QuantizationPlan plan, ModelGraph graph, Map<StatisticSpec, StatResult> stats,
                                       Map<String, Histogram> histograms) {
        Map<String, QuantParams> params = new TreeMap<>();
        Map<String, Range> ranges = new TreeMap<>();
        // SiLU inputs last: their range search clamps to the range of the SiLU output's own quantizer
        Map<String, ConsumerFunction> readers = new TreeMap<>();
        plan.points().forEach(p -> readers.put(p.tensor(), ConsumerFunctions.of(graph, p.tensor())));
        ValueBounds bounds = ValueBounds.of(graph);
        List<QuantizationPoint> ordered = new ArrayList<>(plan.points());
        ordered.sort(Comparator.comparing(p -> readers.get(p.tensor()) != ConsumerFunction.IDENTITY));
        for (QuantizationPoint p : ordered) {
            if (p.tiedTo() != null) {
                continue;
            }
            Range range;
            QuantParams q;
            if (p.kind() == PointKind.WEIGHT) {
                Tensor w = graph.constantValue(p.tensor()).orElseThrow(() -> new InternalException(
                        "weight '" + p.tensor() + "' has no constant value"));
                range = RangeEstimators.weightRange(p.tensor(), w, p.spec(), p.channelAxis());
                q = QuantParamsCalculator.weight(range, p.spec(), p.channelAxis());
            } else {
                range = bounds.of(p.tensor()).filter(b -> p.channelAxis() < 0)
                        .map(b -> KnownRanges.range(b, p.spec().mode()))
                        .orElseGet(() -> activationRange(p, graph, stats, histograms, readers.get(p.tensor()), ranges));
                OptionalDouble floor = ConsumerFunctions.floor(graph, p.tensor());
                range = floor.isPresent() ? KnownRanges.floored(range, floor.getAsDouble()) : range;
                q = QuantParamsCalculator.activation(range, p.spec(), p.channelAxis());
            }
            params.put(p.id(), q);
            ranges.put(p.id(), range);
        }
        for (QuantizationPoint p : plan.points()) {
            if (p.tiedTo() != null) {
                params.put(p.id(), params.get(p.tiedTo()));
                ranges.put(p.id(), ranges.get(p.tiedTo()));
            }
        }
        biasSafe(plan, graph, params);
        return new QuantizerParameters(params, ranges);
    }

    /**
     * Raises the scales of weight channels whose op's bias would not fit ONNX Runtime's int32 bias at the op's input
     * scale (see {@link BiasSafeScales}); a weight shared by several ops takes the largest floor.
     */
    private static void biasSafe(QuantizationPlan plan, ModelGraph graph, Map<String, QuantParams> params) {
        Map<InputRef, String> pointOf = new HashMap<>();
        plan.points().forEach(p -> p.consumers().forEach(r -> pointOf.put(r, p.id())));
        for (QuantizationPoint w : plan.points()) {
            if (w.kind() != PointKind.WEIGHT || w.tiedTo() != null) {
                continue;
            }
            for (InputRef ref : w.consumers()) {
                Node op = graph.node(ref.node()).orElse(null);
                String input = pointOf.get(new InputRef(ref.node(), 0));
                if (op == null || ref.inputIndex() != 1 || input == null || !BIASED_OPS.contains(op.opType())
                        || op.inputs().size() < 3 || op.inputs().get(2).isEmpty()) {
                    continue;
                }
                QuantParams x = params.get(input);
                Tensor bias = graph.constantValue(op.inputs().get(2)).orElse(null);
                if (x != null && !x.perChannel() && bias != null && bias.rank() == 1 && bias.dtype() == DType.FLOAT) {
                    params.put(w.id(), BiasSafeScales.apply(params.get(w.id()), bias.floats(), x.scale()[0]));
                }
            }
        }
    }

    /** Ops whose float bias ONNX Runtime quantizes to int32 with scale {@code s_x · s_w}. */
    private static final Set<String> BIASED_OPS = Set.of("Conv", "ConvTranspose", "Gemm");

    private static Range activationRange(QuantizationPoint p, ModelGraph graph, Map<StatisticSpec, StatResult> stats,
                                         Map<String, Histogram> histograms, ConsumerFunction f,
                                         Map<String, Range> known) {
        Range range = RangeEstimators.activationRange(p.tensor(), p.spec(), p.channelAxis(), stats);
        if (!HistogramRanges.applies(p.spec())) {
            return range;
        }
        Histogram h = histograms.get(p.tensor());
        if (h == null) {
            throw new InternalException("activation '" + p.tensor() + "' has a histogram estimator but no histogram"
                    + " was collected; the pipeline must run the histogram pass for it");
        }
        List<String> outputs = ConsumerFunctions.outputs(graph, p.tensor());
        Range clip = outputs.size() == 1 ? known.get(outputs.get(0)) : null;
        return HistogramRanges.range(p.tensor(), p.spec(), range, h, f, clip);
    }
}

package dev.sparkptq.pipeline;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A quantized op whose bias FastBiasCorrection may shift: a Conv with a constant third input, or a Gemm
 * ({@code transA = 0}) with a constant {@code C} of one value per output column. The bias must be an initializer read
 * by this op alone, so that replacing its value changes nothing else. Channels are axis 1 of input and output (NCHW
 * for Conv, {@code [M, K]} / {@code [M, N]} for Gemm).
 *
 * @param node   the op
 * @param input  its activation input (input 0)
 * @param weight its weight (input 1)
 * @param bias   its bias initializer (input 2)
 * @param output its output
 */
record BiasTarget(Node node, String input, String weight, String bias, String output) {

    /** Channel axis of the per-channel means, in the batch tensors the statistics see. */
    static final int CHANNEL_AXIS = 1;

    /** Every candidate of the plan, in topological order. */
    static List<BiasTarget> of(QuantizationPlan plan, ModelGraph graph) {
        List<BiasTarget> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!plan.quantizedNodes().contains(n.name()) || !n.isDefaultDomain() || n.inputs().size() < 3) {
                continue;
            }
            boolean conv = n.opType().equals("Conv");
            boolean gemm = n.opType().equals("Gemm") && n.intAttr("transA", 0) == 0;
            String bias = n.inputs().get(2);
            if ((conv || gemm) && !bias.isEmpty() && graph.isInitializer(bias)
                    && graph.isConstant(n.inputs().get(1)) && graph.consumers(bias).size() == 1) {
                out.add(new BiasTarget(n, n.inputs().get(0), n.inputs().get(1), bias, n.outputs().get(0)));
            }
        }
        return out;
    }

    /**
     * The statistics FastBiasCorrection needs: per-channel mean of the FP32 input and output over the samples. For a
     * Conv whose input's spatial size the model does not declare, also the mean along each spatial axis of the input:
     * only the length of that result is used, as the axis's size (the border fractions of {@link BiasShift} need it).
     */
    static List<StatisticSpec> requiredStatistics(List<BiasTarget> targets, ModelGraph graph) {
        List<StatisticSpec> specs = new ArrayList<>();
        for (BiasTarget t : targets) {
            specs.add(inputMean(t));
            specs.add(outputMean(t));
            if (t.node().opType().equals("Conv") && !spatialShapeKnown(t, graph)) {
                int rank = graph.constantValue(t.weight()).map(w -> w.rank()).orElse(0);
                for (int axis = 2; axis < rank; axis++) {
                    specs.add(spatialExtent(t, axis));
                }
            }
        }
        return specs;
    }

    static boolean spatialShapeKnown(BiasTarget t, ModelGraph graph) {
        long[] shape = graph.info(t.input()).map(i -> i.shape()).orElse(null);
        if (shape == null || shape.length < 3) {
            return false;
        }
        for (int d = 2; d < shape.length; d++) {
            if (shape[d] <= 0) {
                return false;
            }
        }
        return true;
    }

    /** Mean of the input along spatial {@code axis}: its length is the axis's size in the calibration data. */
    static StatisticSpec spatialExtent(BiasTarget t, int axis) {
        return new StatisticSpec(t.input(), PerSampleStat.MEAN, axis, Aggregation.MEAN, null);
    }

    static StatisticSpec inputMean(BiasTarget t) {
        return new StatisticSpec(t.input(), PerSampleStat.MEAN, CHANNEL_AXIS, Aggregation.MEAN, null);
    }

    static StatisticSpec outputMean(BiasTarget t) {
        return new StatisticSpec(t.output(), PerSampleStat.MEAN, CHANNEL_AXIS, Aggregation.MEAN, null);
    }
}

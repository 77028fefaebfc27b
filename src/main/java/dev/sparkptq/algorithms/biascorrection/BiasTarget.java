package dev.sparkptq.algorithms.biascorrection;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.Use;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A quantized op whose bias FastBiasCorrection may shift: a Conv with a constant third input, or a Gemm
 * ({@code transA = 0}) with a constant {@code C} of one value per output column. The bias must be an initializer read
 * by this op alone, so that replacing its value changes nothing else. Channels are axis 1 of input and output (NCHW
 * for Conv, {@code [M, K]} / {@code [M, N]} for Gemm).
 *
 * <p>The transformer case: a MatMul with a constant 2-D {@code B [K, N]} whose only reader is an Add of a constant
 * {@code [N]} initializer (the exported Linear layer). Its channels are the last axis, so the input's rank must be
 * known; the output statistic is taken on the Add's output (the biased output, as POT's).
 *
 * @param node        the op
 * @param input       its activation input (input 0)
 * @param weight      its weight (input 1)
 * @param bias        its bias initializer (input 2, or the Add's constant input)
 * @param output      its biased output (the Add's output for MatMul)
 * @param channelAxis the channel axis of input and output in the batch tensors the statistics see
 */
record BiasTarget(Node node, String input, String weight, String bias, String output, int channelAxis) {

    /** Channel axis of Conv (NCHW) and Gemm ({@code [M, K]}) inputs and outputs. */
    static final int CHANNEL_AXIS = 1;

    /** Every candidate of the plan, in topological order. */
    static List<BiasTarget> of(QuantizationPlan plan, ModelGraph graph) {
        List<BiasTarget> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!plan.quantizedNodes().contains(n.name()) || !n.isDefaultDomain()) {
                continue;
            }
            if (n.opType().equals("MatMul")) {
                matMulAdd(n, graph).ifPresent(out::add);
                continue;
            }
            if (n.inputs().size() < 3) {
                continue;
            }
            boolean conv = n.opType().equals("Conv");
            boolean gemm = n.opType().equals("Gemm") && n.intAttr("transA", 0) == 0;
            String bias = n.inputs().get(2);
            if ((conv || gemm) && !bias.isEmpty() && graph.isInitializer(bias)
                    && graph.isConstant(n.inputs().get(1)) && graph.consumers(bias).size() == 1) {
                out.add(new BiasTarget(n, n.inputs().get(0), n.inputs().get(1), bias, n.outputs().get(0),
                        CHANNEL_AXIS));
            }
        }
        return out;
    }

    /** A MatMul by a constant [K, N] followed only by an Add of a constant [N] initializer, when the rank is known. */
    private static Optional<BiasTarget> matMulAdd(Node n, ModelGraph graph) {
        String x = n.inputs().get(0);
        String w = n.inputs().get(1);
        String y = n.outputs().get(0);
        long[] inShape = graph.info(x).map(i -> i.shape()).orElse(null);
        long[] wShape = graph.constantValue(w).map(t -> t.shape()).orElse(null);
        List<Use> uses = graph.consumers(y);
        if (inShape == null || inShape.length < 2 || wShape == null || wShape.length != 2 || uses.size() != 1
                || graph.isGraphOutput(y)) {
            return Optional.empty();
        }
        Node add = uses.get(0).node();
        if (!add.opType().equals("Add") || !add.isDefaultDomain() || add.inputs().size() != 2) {
            return Optional.empty();
        }
        String bias = add.inputs().get(1 - uses.get(0).inputIndex());
        long[] bShape = graph.constantValue(bias).map(t -> t.shape()).orElse(null);
        if (!graph.isInitializer(bias) || bShape == null || bShape.length != 1 || bShape[0] != wShape[1]
                || graph.consumers(bias).size() != 1) {
            return Optional.empty();
        }
        return Optional.of(new BiasTarget(n, x, w, bias, add.outputs().get(0), inShape.length - 1));
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
        return new StatisticSpec(t.input(), PerSampleStat.MEAN, t.channelAxis(), Aggregation.MEAN, null);
    }

    static StatisticSpec outputMean(BiasTarget t) {
        return new StatisticSpec(t.output(), PerSampleStat.MEAN, t.channelAxis(), Aggregation.MEAN, null);
    }
}

package dev.sparkptq.config;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AccuracyAwareQuantization params (POT's, ptq-tools.md §1.5, plus spark-ptq's {@code revert_to},
 * {@code restore_mode} and {@code ranking_distance}), fully resolved. The base algorithm's own params live in the
 * {@link AlgorithmSpec}'s {@link QuantizationParams}.
 *
 * @param maximalDrop             allowed drop of every metric
 * @param dropType                absolute, or relative to the baseline
 * @param rankingSubsetSize       samples used to rank revert groups ({@code null} = min(N, 300), as POT)
 * @param maxIterNum              most greedy iterations ({@code null} = as many as there are groups)
 * @param usePrevIfDropIncrease   roll back a revert that made the drop grow, then re-rank
 * @param baseAlgorithm           DefaultQuantization or MinMaxQuantization
 * @param metricSubsetRatio       POT's share of the validation set compared per sample when baselines are given;
 *                                spark-ptq always runs FP32 alongside (metrics may read FP32 outputs), so it only
 *                                bounds the ranking-subset pool
 * @param baselines               metric name → given baseline value (replaces the FP32 value in drops)
 * @param annotationFree          labels are the FP32 model's top-1 predictions
 * @param annotationConfThreshold in annotation-free mode, samples whose FP32 softmax confidence is lower are skipped
 * @param revertTo                what a reverted op becomes
 * @param restoreMode             which quantizers of a group a revert removes
 * @param rankingDistance         output distance for the ranking subset when a metric has no per-sample value
 */
public record AccuracyAwareSpec(double maximalDrop, DropType dropType, Integer rankingSubsetSize, Integer maxIterNum,
                                boolean usePrevIfDropIncrease, AlgorithmSpec.Name baseAlgorithm,
                                double metricSubsetRatio, Map<String, Double> baselines, boolean annotationFree,
                                double annotationConfThreshold, RevertTo revertTo, RestoreMode restoreMode,
                                Distance rankingDistance) implements Serializable {
    public AccuracyAwareSpec {
        baselines = new TreeMap<>(baselines);
    }

    /** POT's defaults with the given allowed drop (absolute). */
    public static AccuracyAwareSpec defaults(double maximalDrop) {
        return new AccuracyAwareSpec(maximalDrop, DropType.ABSOLUTE, null, null, true,
                AlgorithmSpec.Name.DefaultQuantization, 0.5, Map.of(), false, 0.6, RevertTo.FP32, RestoreMode.ALL,
                Distance.COSINE);
    }

    public enum DropType { ABSOLUTE, RELATIVE }

    /** FP32 (POT) or the same op with INT16 quantizers (POT's INT8↔INT16 GNA mode). */
    public enum RevertTo { FP32, INT16 }

    /** NNCF's restore modes: all of a group's quantizers, or only its activations (int8 weights stay). */
    public enum RestoreMode { ALL, ONLY_ACTIVATIONS }

    /** POT's output distances for metrics without per-sample values. */
    public enum Distance { COSINE, KL, MSE }
}

package dev.sparkptq.report;

import java.util.List;
import java.util.Map;

/**
 * The content of report.json. Field names are written in snake_case.
 *
 * @param config the resolved configuration as a JSON-ready tree
 * @param metrics null when the run did not evaluate
 * @param biasCorrection what FastBiasCorrection did (null in reports built without it)
 * @param quantizationError per-tensor quantization error, worst first; null when the run did not evaluate
 * @param adjustments saturation fix and channel alignment (null in reports built without them)
 * @param accuracyAware the AccuracyAwareQuantization search; null for other algorithms
 * @param integerKernels which share of the model's multiply-accumulates the runtime runs in integer kernels; null
 *                       when not measured
 * @param layerwiseTuning what {@code use_layerwise_tuning} changed, per layer; null when it was off
 * @param preparation what model preparation changed before planning; null in reports built without it
 * @param kernelChoice   the kernel of every MatMul/Gemm with a constant weight and the int8 embedding tables; null
 *                       when neither step did anything
 * @param speed what placement by the runtime's graph and the speed guard did, and the measured FP32 and INT8
 *              latency; null in reports built without them
 */
public record RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                        ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                        QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs,
                        BiasCorrectionSummary biasCorrection, List<QuantErrorSummary> quantizationError,
                        AdjustmentSummary adjustments, IntegerKernelSummary integerKernels,
                        AccuracyAwareSummary accuracyAware, LayerwiseTuningSummary layerwiseTuning,
                        PreparationSummary preparation, KernelChoiceSummary kernelChoice,
                        SpeedSummary speed, FidelitySummary fidelity) {

    /** A report without the preparation and kernel-choice sections. */
    public RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                     ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                     QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs,
                     BiasCorrectionSummary biasCorrection, List<QuantErrorSummary> quantizationError,
                     AdjustmentSummary adjustments, IntegerKernelSummary integerKernels,
                     AccuracyAwareSummary accuracyAware, LayerwiseTuningSummary layerwiseTuning) {
        this(formatVersion, tool, toolVersion, provenance, config, model, output, calibration, quantization, metrics,
                timingsMs, biasCorrection, quantizationError, adjustments, integerKernels, accuracyAware,
                layerwiseTuning, null, null, null, null);
    }

    /** This report with the preparation section set. */
    public RunReport withPreparation(PreparationSummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                accuracyAware, layerwiseTuning, summary, kernelChoice, speed, fidelity);
    }

    /** This report with the kernel-choice section set. */
    public RunReport withKernelChoice(KernelChoiceSummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                accuracyAware, layerwiseTuning, preparation, summary, speed, fidelity);
    }

    /** This report with the speed section set. */
    public RunReport withSpeed(SpeedSummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                accuracyAware, layerwiseTuning, preparation, kernelChoice, summary, fidelity);
    }

    /** This report with the fidelity section set. */
    public RunReport withFidelity(FidelitySummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                accuracyAware, layerwiseTuning, preparation, kernelChoice, speed, summary);
    }

    /** A report without the layer-wise tuning section. */
    public RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                     ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                     QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs,
                     BiasCorrectionSummary biasCorrection, List<QuantErrorSummary> quantizationError,
                     AdjustmentSummary adjustments, IntegerKernelSummary integerKernels,
                     AccuracyAwareSummary accuracyAware) {
        this(formatVersion, tool, toolVersion, provenance, config, model, output, calibration, quantization, metrics,
                timingsMs, biasCorrection, quantizationError, adjustments, integerKernels, accuracyAware, null);
    }

    /** This report with the layer-wise tuning section set. */
    public RunReport withLayerwiseTuning(LayerwiseTuningSummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                accuracyAware, summary, preparation, kernelChoice, speed, fidelity);
    }

    /** A report without the adjustments, integer-kernel and accuracy-aware sections. */
    public RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                     ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                     QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs,
                     BiasCorrectionSummary biasCorrection, List<QuantErrorSummary> quantizationError) {
        this(formatVersion, tool, toolVersion, provenance, config, model, output, calibration, quantization, metrics,
                timingsMs, biasCorrection, quantizationError, null, null, null);
    }

    /** A report without the accuracy-aware section. */
    public RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                     ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                     QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs,
                     BiasCorrectionSummary biasCorrection, List<QuantErrorSummary> quantizationError,
                     AdjustmentSummary adjustments, IntegerKernelSummary integerKernels) {
        this(formatVersion, tool, toolVersion, provenance, config, model, output, calibration, quantization, metrics,
                timingsMs, biasCorrection, quantizationError, adjustments, integerKernels, null);
    }

    /** This report with the accuracy-aware section set. */
    public RunReport withAccuracyAware(AccuracyAwareSummary summary) {
        return new RunReport(formatVersion, tool, toolVersion, provenance, config, model, output, calibration,
                quantization, metrics, timingsMs, biasCorrection, quantizationError, adjustments, integerKernels,
                summary, layerwiseTuning, preparation, kernelChoice, speed, fidelity);
    }

    /** A report without bias-correction and quantization-error sections. */
    public RunReport(int formatVersion, String tool, String toolVersion, Provenance provenance, Object config,
                     ModelSummary model, OutputSummary output, CalibrationSummary calibration,
                     QuantizationSummary quantization, MetricsSummary metrics, Map<String, Long> timingsMs) {
        this(formatVersion, tool, toolVersion, provenance, config, model, output, calibration, quantization, metrics,
                timingsMs, null, null, null, null, null);
    }

    /**
     * MatMul/Gemm kernels and embedding tables (issue 13).
     *
     * @param ops    one per MatMul/Gemm with a constant weight whose kernel was decided
     * @param tables embedding tables stored as int8
     */
    public record KernelChoiceSummary(List<KernelOp> ops, List<EmbeddingTable> tables) {
        public KernelChoiceSummary {
            ops = List.copyOf(ops);
            tables = List.copyOf(tables);
        }
    }

    /**
     * @param kernel        static, dynamic or float
     * @param reason        why, with the figures compared
     * @param groupMs       kernel → measured ms per calibration sample of the op's group (its ops and quantizer)
     * @param sqnrDb        kernel → this op's output SQNR against FP32 on the measurement samples
     */
    public record KernelOp(String node, String input, String kernel, String reason, Map<String, Double> groupMs,
                           Map<String, Double> sqnrDb) {
    }

    /** One int8 embedding table. */
    public record EmbeddingTable(String node, String table, List<Long> shape, String scales, long floatBytes,
                                 long storedBytes) {
    }

    /** Bumped on every incompatible change of the report's shape. */
    public static final int FORMAT_VERSION = 1;

    public record Provenance(String configSha256, String fp32ModelSha256, long seed, String backend) {
    }

    public record ModelSummary(String path, String sha256, int opset, int nodes, long bytes) {
    }

    /** @param sha256 of the written model.onnx: a reader checks that model.onnx and report.json belong together */
    public record OutputSummary(String path, long bytes, double sizeRatio, String externalData, String sha256) {
        public OutputSummary(String path, long bytes, double sizeRatio, String externalData) {
            this(path, bytes, sizeRatio, externalData, null);
        }
    }

    /**
     * @param statisticsPasses passes over the calibration samples: 1, or 2 when some activation range comes from a
     *                         histogram (pass 1 extremes, pass 2 histograms); 0 when statistics were reused
     * @param histogramTensors activations whose range was chosen on a histogram
     * @param statisticsFrom   null when this run collected its statistics; the reused statistics.json otherwise
     */
    public record CalibrationSummary(String dataSource, int samplesAvailable, int samplesRequested, int samplesUsed,
                                     int partitions, int batchSize, boolean shuffle, long seed,
                                     long nonFiniteValues, int statisticsPasses, int histogramTensors,
                                     List<String> warnings, String statisticsFrom) {
    }

    public record QuantizationSummary(String preset, String targetDevice, String modelType, int quantizedOps,
                                      int qdqPairs, int activationQuantizers, int weightQuantizers,
                                      Map<String, Integer> quantizedOpTypes, List<String> notes,
                                      List<TensorSummary> tensors) {
    }

    /**
     * One quantizer. {@code zeroPoint} is null for per-channel quantizers with differing zero points; {@code tiedTo}
     * names the tensor whose parameters a tied quantizer reuses (null for quantizers with their own range).
     */
    public record TensorSummary(String tensor, String kind, String storage, int axis, int channels,
                                float scaleMin, float scaleMax, Integer zeroPoint, int levelLow, int levelHigh,
                                double rangeMin, double rangeMax, String tiedTo) {
    }

    /**
     * @param drop metric name → FP32 − quantized (positive = worse) for higher-better metrics
     */
    public record MetricsSummary(String dataSource, long samples, int samplesAlsoUsedForCalibration,
                                 Map<String, Double> fp32, Map<String, Double> quantized,
                                 Map<String, Double> drop) {
    }

    /**
     * POT's FastBiasCorrection after MinMax.
     *
     * @param mode       {@code fast} or {@code none}
     * @param candidates quantized Conv/Gemm ops with a constant bias
     * @param corrected  biases updated
     * @param skipped    candidates left alone, with the reason (threshold, unknown shape, ...)
     */
    public record BiasCorrectionSummary(String mode, double threshold, boolean applyForAllNodes, int candidates,
                                        List<BiasEntry> corrected, List<BiasEntry> skipped) {
    }

    /**
     * One op's bias correction.
     *
     * @param magnitude   {@code max |shift / bias|} (POT's rule), null when infinite (some bias element is zero) or
     *                    not computed (JSON has no infinity)
     * @param maxAbsShift {@code max |fp32_out_mean - q_out_mean|}
     * @param reason      why it was skipped, null when corrected
     */
    public record BiasEntry(String node, String bias, Double magnitude, double maxAbsShift, String reason) {
    }

    /**
     * The quantization error of one tensor (see pipeline.QuantNoise).
     *
     * @param kind    activation (FP32 tensor vs the dequantized value its consumers read), op_output (FP32 vs
     *                quantized model, same tensor: the error accumulated up to that op) or weight
     * @param sqnrDb  10·log10(Σx² / Σ(x−x̂)²) in dB, lower is worse; null when not finite (no error at all)
     * @param samples evaluation samples summed over (0 for weights)
     */
    public record QuantErrorSummary(String tensor, String kind, Double sqnrDb, long samples) {
    }

    /**
     * AccuracyAwareQuantization: the search from the base quantization to the saved model.
     *
     * @param baseline          metric → the value drops are measured from (FP32, or the configured baseline_value)
     * @param base              the base quantization's values on the validation data
     * @param result            the saved model's values
     * @param drop              the saved model's drop per metric (relative when drop_type is relative)
     * @param targetMet         every drop within maximal_drop (false: the best model found was saved, exit code 5)
     * @param revertedGroups    the saved model's reverted groups, in the order they were reverted
     * @param iterations        every greedy step
     * @param rankings          every ranking round
     */
    public record AccuracyAwareSummary(double maximalDrop, String dropType, String revertTo, String restoreMode,
                                       String metric, int groups, int rankingSubsetSize,
                                       Map<String, Double> baseline, Map<String, Double> base,
                                       Map<String, Double> result, Map<String, Double> drop, boolean targetMet,
                                       List<RevertedGroup> revertedGroups, List<AaqIteration> iterations,
                                       List<AaqRanking> rankings, int subsetEvaluations, int fullEvaluations,
                                       long rankingWallMs, AaqLatency latency) {
    }

    /**
     * FP32 and the search's final model timed side by side in the driver (one ONNX Runtime thread, interleaved
     * rounds on validation samples): reverting groups to float must not leave a model slower than FP32.
     */
    public record AaqLatency(double fp32Ms, double quantizedMs, double speedup, int samples, int rounds) {
    }

    /** One reverted group: its id, ops and quantizers. */
    public record RevertedGroup(int group, List<String> nodes, List<String> points) {
    }

    /** One greedy step: the group reverted, the optimised metric's drop after it, kept or rolled_back. */
    public record AaqIteration(int iteration, int group, String label, double drop, String outcome) {
    }

    /** One ranking round: group → the metric's drop on the ranking subset with that group reverted. */
    public record AaqRanking(String metric, long wallMs, Map<String, Double> scores) {
    }

    /**
     * What DefaultQuantization changed in the model besides biases.
     *
     * @param saturationFix        {@code first_layer_only}, {@code enable} or {@code disable}
     * @param sevenBitWeightLayers the layers whose weights got 7-bit levels (the saturation fix), topological order
     * @param channelAlignment     {@code on} or {@code off}
     * @param aligned              the Conv pairs ActivationChannelAlignment changed
     * @param equalization         cross-layer equalization: {@code activations}, {@code weights} or {@code off}
     * @param equalized            the layer pairs cross-layer equalization rescaled
     */
    public record AdjustmentSummary(String saturationFix, List<String> sevenBitWeightLayers, String channelAlignment,
                                    List<AlignedPair> aligned, String equalization, List<EqualizedPair> equalized) {
        /** The section as a run starts: the settings, nothing changed yet. */
        public static AdjustmentSummary initial(String saturationFix, String channelAlignment, String equalization) {
            return new AdjustmentSummary(saturationFix, List.of(), channelAlignment, List.of(), equalization,
                    List.of());
        }

        public AdjustmentSummary withSevenBitWeightLayers(List<String> layers) {
            return new AdjustmentSummary(saturationFix, layers, channelAlignment, aligned, equalization, equalized);
        }

        public AdjustmentSummary withAligned(List<AlignedPair> pairs) {
            return new AdjustmentSummary(saturationFix, sevenBitWeightLayers, channelAlignment, pairs, equalization,
                    equalized);
        }

        public AdjustmentSummary withEqualized(List<EqualizedPair> pairs) {
            return new AdjustmentSummary(saturationFix, sevenBitWeightLayers, channelAlignment, aligned, equalization,
                    pairs);
        }
    }

    /**
     * One producer → consumer pair rescaled by cross-layer equalization.
     *
     * @param minFactor    smallest per-channel factor {@code s_c} the producer's output channel was divided by
     * @param maxFactor    largest factor
     * @param spreadBefore largest over smallest positive channel range before (activation ranges with
     *                     {@code activations}, the producer's weight ranges with {@code weights})
     * @param spreadAfter  the same after equalization
     * @param maxAbsShift  largest per-channel mid-range moved from the producer's bias into the consumer's (0 when the
     *                     pair was not re-centred)
     */
    public record EqualizedPair(String producer, String consumer, int channels, double minFactor, double maxFactor,
                                double spreadBefore, double spreadAfter, double maxAbsShift) {
    }

    /**
     * One producer → consumer pair aligned by ActivationChannelAlignment.
     *
     * @param maxAbsShift largest per-channel shift moved from the producer's bias into the consumer's
     * @param minScale    smallest per-channel rescale of the producer's output (clipped to [0.01, 100])
     * @param maxScale    largest per-channel rescale
     */
    public record AlignedPair(String producer, String consumer, int channels, double maxAbsShift, double minScale,
                              double maxScale) {
    }

    /**
     * Multiply-accumulates (MACs) of the quantized model's Conv/ConvTranspose/MatMul/Gemm ops for one calibration
     * sample, and how many of them ONNX Runtime executes in integer kernels (QLinearConv, QLinearMatMul,
     * MatMulIntegerToFloat, …) after its graph rewrites — a quantized op that stays a float kernel behind
     * DequantizeLinear is slower than FP32.
     *
     * @param integerShare   integerMacs / totalMacs (0 when the model has no such op)
     * @param kernelOps      op type (with its domain when not ONNX's) → count, for the compute ops of the optimized
     *                       graph
     * @param floatOps       the largest MAC ops that still run in float, biggest first (at most 10)
     */
    public record IntegerKernelSummary(long totalMacs, long integerMacs, double integerShare,
                                       int macOps, int integerMacOps, Map<String, Integer> kernelOps,
                                       List<String> floatOps) {
    }

    /**
     * {@code use_layerwise_tuning}: each tuned layer's output MSE against FP32 before (nearest rounding on the MinMax
     * grid) and after tuning, {@code Σ (wᵀx − ŵᵀx̃)² / (vectors · channels)} over the counted input vectors, with
     * {@code x} the FP32 input, {@code x̃} the layer's input in the quantized model (lower levels tuned) and {@code ŵ}
     * the dequantized weights — the mean squared error per output element of the layer inside the quantized model.
     *
     * @param solver             how the levels were chosen (closed form, no gradient descent)
     * @param samples            calibration samples each pass read
     * @param levels             passes: layers are tuned level by level, each on the quantized model with the lower
     *                           levels already tuned
     * @param positionsPerSample most Conv patch positions / MatMul rows counted per sample (seeded draw; fewer for
     *                           narrow inputs on many samples: about 96·d vectors per layer are aimed for)
     * @param maxInputDim        largest input dimension per group that is tuned; wider layers are skipped
     * @param layers             tuned layers, level by level
     * @param skipped            layers left at nearest rounding, with the reason
     */
    public record LayerwiseTuningSummary(String solver, int samples, int levels, int positionsPerSample,
                                         int maxInputDim,
                                         List<TunedLayer> layers, List<SkippedLayer> skipped) {
    }

    /**
     * @param inputDim        input vector length per group ({@code Cin/group·kh·kw} for a Conv, K for a MatMul)
     * @param vectors         input vectors counted into H
     * @param mseNearest      output MSE with nearest rounding and the MinMax scales
     * @param mseTuned        output MSE with the tuned levels and scales (never above {@code mseNearest})
     * @param channelsNearest output channels where nearest rounding was kept because tuning did not beat it
     * @param channelsRefit   output channels whose scale the least-squares refit changed
     */
    public record TunedLayer(String node, String weight, int inputDim, int groups, int channels, long vectors,
                             double mseNearest, double mseTuned, int channelsNearest, int channelsRefit) {
    }

    public record SkippedLayer(String node, String weight, String reason) {
    }

    /**
     * Model preparation before planning (legacy read, FP16 upcast, Constant nodes to initializers, opset conversion,
     * Identity/Dropout removal, constant folding, BatchNorm folding, the float regions left alone, node naming).
     *
     * @param opsetBefore default-domain opset of the model as given (0: it declared none)
     * @param opsetAfter  default-domain opset of the model that was quantized
     * @param steps       every step in order, those that changed nothing included ({@code changes} 0)
     */
    public record PreparationSummary(int opsetBefore, int opsetAfter, List<PreparationStep> steps) {
        /** Whether the step named {@code step} changed something. */
        public boolean changed(String step) {
            return steps.stream().anyMatch(s -> s.step().equals(step) && s.changes() > 0);
        }
    }

    /**
     * @param step    the step's name, e.g. {@code batchnorm_folding}
     * @param changes nodes, values or tensors it changed
     * @param summary one sentence saying what it did
     * @param names   the first (at most 10) nodes or tensors it changed
     */
    public record PreparationStep(String step, int changes, String summary, List<String> names) {
    }

    /**
     * Where the quantizers ended up and how fast the result is (issue 13: an INT8 model slower than its FP32 original
     * is a defect). Placement removes quantizers the runtime's optimized graph shows feeding no integer kernel; the
     * speed guard times FP32 against INT8 on calibration samples (interleaved rounds), returns ops whose integer
     * kernel is clearly slower than their float one to float, and writes the FP32 model when the quantized one is
     * still not faster.
     *
     * @param guard              {@code engine.speed_guard}
     * @param threads            intra-op threads the models were timed with
     * @param clock              {@code thread_cpu} (one thread: the calling thread's CPU time, immune to other load) or
     *                           {@code wall}
     * @param samples            calibration samples timed; 0 when not timed
     * @param rounds             interleaved rounds (per-model figures are medians over rounds)
     * @param fp32Ms             FP32 ms per sample (the model as given); null when not timed
     * @param fp32PreparedMs     the FP32 graph as prepared for quantization (opset upgrade, constant folding; exact),
     *                           timed alongside: how much of a speed-up is the preparation's, not the integer
     *                           kernels'
     * @param int8MsBefore       the quantized model after placement, before the guard changed anything
     * @param int8Ms             the model written (the FP32 model on a fallback)
     * @param speedup            median over rounds of FP32 time / time of the model written
     * @param speedupLow         for a quantized model written: the lower bound (about 95 %, sign-test interval of the
     *                           median) of its speed-up over the guard's confirmation rounds; the model is written
     *                           only when it is at least 1.0; null when not confirmed (fallback, off, not timed)
     * @param outcome            {@code kept}, {@code ops_returned_to_float}, {@code fp32_fallback}; {@code not_timed}
     *                           (no samples), {@code off} ({@code speed_guard: false}: no placement, no timing),
     *                           {@code emulated} (quantization ONNX Runtime can only emulate in float: left as
     *                           planned) or {@code too_large}
     * @param removedQuantizers  quantizers placement removed, per reason
     * @param removed            the first {@value #LISTED} of them: point, reason, consumers that now read float
     * @param returnedToFloat    ops the guard returned to float, with their integer and float kernel µs per run
     * @param integerShareBefore integer-kernel MAC share of the first quantized model (null when not measured)
     * @param integerShareAfter  the same for the model written
     * @param guardMs            wall time placement and the guard took (also in the timings)
     * @param warning            null, or what the user must know (e.g. the output is the FP32 model)
     */
    public record SpeedSummary(boolean guard, int threads, String clock, int samples, int rounds, Double fp32Ms,
                               Double fp32PreparedMs, Double int8MsBefore, Double int8Ms, Double speedup,
                               Double speedupLow, String outcome,
                               Map<String, Integer> removedQuantizers, List<RemovedQuantizer> removed,
                               List<ReturnedOp> returnedToFloat, Double integerShareBefore, Double integerShareAfter,
                               long guardMs, String warning) {
        /** At most this many removed quantizers are listed. */
        public static final int LISTED = 50;

        /** The summary with the integer-kernel shares filled in. */
        public SpeedSummary withIntegerShares(Double before, Double after) {
            return new SpeedSummary(guard, threads, clock, samples, rounds, fp32Ms, fp32PreparedMs, int8MsBefore, int8Ms,
                    speedup, speedupLow, outcome, removedQuantizers, removed, returnedToFloat, before, after, guardMs,
                    warning);
        }
    }

    /**
     * How close the model written is to the FP32 model, output by output, on a few calibration samples in the driver
     * (every run that writes a quantized model; no labels needed). Calibration samples flatter the model a little:
     * {@code --evaluate} with held-out data measures it properly.
     *
     * @param samples     calibration samples compared
     * @param outputs     per output: mean cosine to FP32 and pooled SQNR in dB
     * @param worstOutput the output with the lowest cosine
     * @param minSqnrDb   the lowest SQNR over outputs; null when every output is identical to FP32
     * @param warning     null, or why the figures call for a check (an output below the thresholds)
     */
    public record FidelitySummary(int samples, List<OutputFidelity> outputs, String worstOutput, double worstCosine,
                                  Double minSqnrDb, String warning, BlockPlacement blocks) {
        /** An output below this cosine to FP32 is flagged. */
        public static final double COSINE_FLOOR = 0.99;
        /** An output below this SQNR (dB) to FP32 is flagged. */
        public static final double SQNR_FLOOR_DB = 20;

        /** The check's figures with no block placement decided by fidelity. */
        public FidelitySummary(int samples, List<OutputFidelity> outputs, String worstOutput, double worstCosine,
                               Double minSqnrDb, String warning) {
            this(samples, outputs, worstOutput, worstCosine, minSqnrDb, warning, null);
        }

        /** This summary with the fidelity placement's decision ({@code engine.fidelity_placement}). */
        public FidelitySummary withBlocks(BlockPlacement placement) {
            return new FidelitySummary(samples, outputs, worstOutput, worstCosine, minSqnrDb, warning, placement);
        }
    }

    /**
     * Gated-activation blocks (a MAC op fused although a HardSwish/SiLU reads its output) returned to float by
     * measured fidelity before the speed guard ({@code engine.fidelity_placement}).
     *
     * @param outcome  {@code kept} (the floors were met with every block in int8), {@code reverted} (the fewest
     *                 worst blocks went to float to meet them), {@code floors_unreachable} (not met even with every
     *                 block in float: as many went to float as reach what all in float give)
     * @param blocks   gated blocks in the plan
     * @param reverted the MAC ops of the blocks returned to float, worst first
     * @param measured candidate models measured
     */
    public record BlockPlacement(String outcome, int blocks, List<String> reverted, Double cosineBefore,
                                 Double sqnrDbBefore, Double cosineAfter, Double sqnrDbAfter, int measured) {
    }

    /** One output's fidelity to FP32 (SQNR null when identical). */
    public record OutputFidelity(String output, double cosine, Double sqnrDb) {
    }

    /** One removed quantizer: its point, why, and the consumers that read the float tensor instead. */
    public record RemovedQuantizer(String point, String reason, List<String> consumers) {
    }

    /** One op the speed guard returned to float, with its kernel time per run in each form. */
    public record ReturnedOp(String node, double integerMicros, double floatMicros) {
    }
}

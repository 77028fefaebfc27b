package dev.sparkptq.pipeline;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.BiasCorrectionSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPlanner;
import dev.sparkptq.plan.SevenBitWeights;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.StatisticsSet;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One quantization run, DefaultQuantization/MinMaxQuantization: load → plan → one statistics pass (two when
 * some activation range comes from a histogram) → quantizer parameters → Q/DQ edits → fast bias correction
 * (DefaultQuantization) → evaluate (optional) →
 * atomic save of model.onnx + report.json.
 */
public final class QuantizationPipeline {
    private final StatisticsBackend backend;
    private final Consumer<String> log;
    /** Samples given in code (the Java API's DataLoader) instead of engine.data_source + reader; null otherwise. */
    private final DataSource data;

    public QuantizationPipeline(StatisticsBackend backend, Consumer<String> log) {
        this(backend, log, null);
    }

    /**
     * A pipeline whose calibration and evaluation samples come from {@code data} rather than from the config's
     * {@code engine.data_source} and {@code engine.reader} (which are then only labels in the report). The SQNR pass
     * of {@link RunOptions.Evaluation#RUN} still reads the config's data: the Java API evaluates with its own metrics
     * and runs with {@code SKIP}.
     */
    public QuantizationPipeline(StatisticsBackend backend, Consumer<String> log, DataSource data) {
        this.backend = backend;
        this.log = log;
        this.data = data;
    }

    public RunResult run(PtqConfig config, RunOptions options) {
        BaseQuantization base = quantizeBase(config, options);
        RunReport.MetricsSummary metrics = null;
        List<RunReport.QuantErrorSummary> quantError = null;
        if (options.evaluation() == RunOptions.Evaluation.RUN) {
            metrics = evaluate(config, base.graph(), base.prepared(), base.quantized(), options,
                    base.calibration());
            base.lap("evaluate");
            quantError = new QuantNoise(backend, log).measure(config, base.graph(), base.quantized(), base.plan(),
                    base.inputs().qparams(), options);
            base.lap("sqnr");
        }
        return base.write(options.outputDir(), base.quantized(), metrics, quantError, r -> r);
    }

    /**
     * The base quantization, everything up to (not including) evaluation and saving: what
     * {@link #run} writes, and what AccuracyAwareQuantization starts from and rebuilds candidates with.
     */
    public BaseQuantization quantizeBase(PtqConfig config, RunOptions options) {
        Stopwatch clock = new Stopwatch();
        QuantizationParams params = singleAlgorithm(config);
        Path modelPath = config.model().model();
        log.accept("loading model " + modelPath);
        String fp32Sha = ModelIo.sha256(modelPath);
        OnnxMl.ModelProto original = ModelIo.load(modelPath);
        OnnxMl.ModelProto reference = ModelIo.prepareForQuantization(original);
        Samples samples = Samples.select(params, source(config, config.engine().dataSource(),
                ModelGraph.of(reference)));
        PassInputs passes = PassInputs.of(config, params, samples, options);
        DataSource calibration = passes.source();
        List<SampleRef> calib = passes.calibration();
        int partitions = passes.partitions();
        List<String> warnings = samples.warnings();
        OnnxMl.ModelProto smoothed = new SmoothQuant(backend, log).apply(reference, config, params, passes);
        EqualizationStep.Outcome equalized = new EqualizationStep(backend, log).runIfEnabled(config, params, smoothed,
                passes);
        OnnxMl.ModelProto prepared = equalized.model();
        ModelGraph graph = ModelGraph.of(prepared);
        clock.lap("load");

        SevenBitWeights.Result sevenBit = SevenBitWeights.apply(
                QuantizationPlanner.plan(graph, params, config.compression()), graph,
                params.adjustments().overflowFix());
        QuantizationPlan plan = sevenBit.plan();
        logPlan(plan);
        clock.lap("plan");

        ActivationChannelAlignment.Outcome aligned = new ActivationChannelAlignment(backend, log)
                .runIfEnabled(config, params, prepared, graph, passes);
        if (!aligned.aligned().isEmpty()) {
            prepared = aligned.model();
            graph = ModelGraph.of(prepared);
            clock.lap("channel_alignment");
        }
        List<BiasTarget> biasTargets = biasCorrects(config, params) ? BiasTarget.of(plan, graph) : List.of();
        StatisticsRequest request = StatisticsRequest.of(plan, graph, config.compression().inplaceStatistics())
                .plus(params.biasCorrection().mode() == BiasCorrectionSpec.Mode.FAST
                        ? BiasTarget.requiredStatistics(biasTargets, graph) : List.of(), graph);
        StatisticsCache.Content stats = statistics(prepared, request, calibration, calib, partitions, params,
                options, fp32Sha, config, clock, warnings);

        LayerwiseTuning.Outcome tuning = new LayerwiseTuning(backend, log).runIfEnabled(config, prepared, graph,
                plan, QuantizerParameters.compute(plan, graph, stats.results(),
                        stats.histogramResults()), passes, warnings);
        if (tuning.summary() != null) {
            clock.lap("layerwise_tuning");
        }
        QuantizerParameters qparams = tuning.qparams();
        String configSha = config.sha256();
        OnnxMl.ModelProto quantized = GraphRewriter.apply(tuning.model(),
                QdqEdits.of(plan, qparams, params.weightStorage(), Provenance.metadata(configSha, fp32Sha, params)));
        clock.lap("quantize");
        FastBiasCorrection.Outcome bias = biasCorrection(config, params, biasTargets, tuning.graph(), plan, qparams,
                stats, prepared, quantized, passes);
        clock.lap("bias_correction");
        quantized = BiasInitializers.replace(quantized, bias.biases());
        RunReport.IntegerKernelSummary kernels = integerKernels(quantized, samples, options, warnings);
        clock.lap("kernels");
        ReportInputs inputs = new ReportInputs(config, params, graph, plan, qparams, stats, samples.available(), calib,
                partitions, options.statistics() != null ? 0 : request.passes(), stats.histograms().size(), warnings,
                fp32Sha, modelPath, backend.describe(), options.statistics(), bias.summary(),
                Adjustments.summary(params, sevenBit.layers(), aligned.aligned(), equalized.equalized()), kernels,
                tuning.summary());
        OnnxMl.ModelProto quantizedFrom = tuning.model(); // after SmoothQuant, channel alignment, layer-wise tuning
        OnnxMl.ModelProto untuned = prepared; // the same minus layer-wise tuning
        return new BaseQuantization(inputs, reference, quantized,
                () -> new CandidateRecipe(quantizedFrom, untuned, plan, qparams, params, configSha, fp32Sha, bias),
                clock);
    }

    /**
     * The statistics the plan needs: pass 1 (per-sample statistics and grid histograms), plus pass 2 (fixed-edge
     * histograms) when some activation range comes from a histogram with {@code edges: extremes} — or, with {@code --statistics}, an earlier run's, checked against this model
     * and this request.
     */
    private StatisticsCache.Content statistics(OnnxMl.ModelProto prepared, StatisticsRequest request,
                                               DataSource source, List<SampleRef> calib, int partitions,
                                               QuantizationParams params, RunOptions options, String fp32Sha,
                                               PtqConfig config, Stopwatch clock, List<String> warnings) {
        if (options.statistics() != null) {
            log.accept("reusing statistics from " + options.statistics());
            StatisticsCache.Content reused = StatisticsCache.load(options.statistics(), fp32Sha, request.specs(),
                    request.histogramTensors());
            clock.lap("statistics");
            return reused;
        }
        log.accept("collecting statistics of " + request.tensors().size() + " tensors over " + calib.size()
                + " samples in " + partitions + " partitions (" + backend.describe() + ", pass 1 of "
                + request.passes() + ")");
        StatisticsJob job = request.pass1(prepared, options.workDir().resolve("stats"), source,
                params.statBatchSize(), options.threadsPerTask());
        StatisticsSet stats = backend.collect(job, calib, partitions);
        stats.requireComplete();
        NonFiniteWarning.of(stats).ifPresent(warnings::add);
        clock.lap("statistics");
        HistogramSet histograms = histograms(request, job, stats, calib, partitions);
        if (request.passes() > 1) {
            clock.lap("histograms");
        }
        return StatisticsCache.of(fp32Sha, config.engine().dataSource().toString(), calib.size(), stats.results(),
                histograms.results());
    }

    /**
     * The histograms: pass 1's grid histograms, plus pass 2 when some activation's range comes from a histogram with
     * {@code edges: extremes} — the same samples, partitions and exposed model as pass 1, counting every element into
     * bins fixed by pass 1's extremes.
     */
    private HistogramSet histograms(StatisticsRequest request, StatisticsJob pass1, StatisticsSet stats,
                                    List<SampleRef> calib, int partitions) {
        if (request.passes() == 1) {
            return stats.histograms(); // grid histograms, counted in pass 1 (empty when none)
        }
        StatisticsJob job = request.pass2(pass1, stats.results());
        log.accept("counting histograms of " + job.histograms().size() + " tensors over " + calib.size()
                + " samples (pass 2)");
        HistogramSet histograms = backend.histograms(job, calib, partitions);
        histograms.requireComplete();
        return stats.histograms().union(histograms);
    }

    private RunReport.MetricsSummary evaluate(PtqConfig config, ModelGraph graph, OnnxMl.ModelProto fp32,
                                              OnnxMl.ModelProto quantized, RunOptions options,
                                              Set<SampleRef> calibrationRefs) {
        ValidationData validation = ValidationData.of(config, graph, calibrationRefs, data);
        DataSource source = validation.source();
        List<SampleRef> refs = validation.refs();
        int overlap = validation.overlap();
        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), refs.size()));
        log.accept("evaluating FP32 and quantized models on " + refs.size() + " samples");
        ModelBlob fp32Blob = Blobs.of(fp32, options.workDir().resolve("fp32"));
        ModelBlob qBlob = Blobs.of(quantized, options.workDir().resolve("quantized"));
        EvaluationResult r = backend.evaluate(
                new EvaluationJob(fp32Blob, qBlob, config.engine().metrics(), source, options.threadsPerTask()),
                refs, partitions);
        return Evaluations.summary(config, validation.path(), r, overlap);
    }

    /** The samples at {@code path}: those given to the constructor, or the config's reader over {@code path}. */
    private DataSource source(PtqConfig config, Path path, ModelGraph graph) {
        return data != null ? data : DataSources.create(config.engine().reader(), path, graph.inputs());
    }

    /**
     * The share of MACs the runtime runs in integer kernels (report only: a failure becomes a warning, never a failed
     * run).
     */
    private RunReport.IntegerKernelSummary integerKernels(OnnxMl.ModelProto quantized, Samples samples,
                                                          RunOptions options, List<String> warnings) {
        if (samples.selected().isEmpty()) {
            return null;
        }
        try {
            RunReport.IntegerKernelSummary k = IntegerKernelShare.measure(quantized,
                    samples.source().load(samples.selected().get(0)), backend.engines(), options.workDir());
            log.accept(String.format(java.util.Locale.ROOT, "integer kernels: %.1f %% of %,d MACs (%d of %d ops)",
                    100 * k.integerShare(), k.totalMacs(), k.integerMacOps(), k.macOps()));
            return k;
        } catch (RuntimeException e) {
            warnings.add("the integer-kernel share was not measured: " + e.getMessage());
            return null;
        }
    }

    /** POT runs (Fast)BiasCorrection in DefaultQuantization only. */
    private static boolean biasCorrects(PtqConfig config, QuantizationParams params) {
        return config.compression().algorithms().get(0).baseName() == AlgorithmSpec.Name.DefaultQuantization
                && params.biasCorrection().enabled();
    }

    /**
     * DefaultQuantization's last step: POT's full BiasCorrection ({@code use_fast_bias: false}, distributed passes
     * over the quantized model) or FastBiasCorrection (closed form, from the statistics already collected); nothing
     * for MinMaxQuantization.
     */
    private FastBiasCorrection.Outcome biasCorrection(PtqConfig config, QuantizationParams params,
                                                      List<BiasTarget> targets, ModelGraph graph,
                                                      QuantizationPlan plan, QuantizerParameters qparams,
                                                      StatisticsCache.Content stats, OnnxMl.ModelProto prepared,
                                                      OnnxMl.ModelProto quantized, PassInputs passes) {
        if (!biasCorrects(config, params)) {
            return FastBiasCorrection.none(params.biasCorrection());
        }
        if (params.biasCorrection().mode() == BiasCorrectionSpec.Mode.FULL) {
            return new FullBiasCorrection(backend, log).run(targets, graph, prepared, quantized,
                    params.biasCorrection(), passes);
        }
        FastBiasCorrection.Outcome out = FastBiasCorrection.run(targets, graph, plan, qparams, stats.results(),
                params.biasCorrection());
        log.accept("fast bias correction: " + out.summary().corrected().size() + " of " + targets.size()
                + " biases corrected");
        return out;
    }

    private static QuantizationParams singleAlgorithm(PtqConfig config) {
        List<AlgorithmSpec> algorithms = config.compression().algorithms();
        if (algorithms.size() != 1) {
            throw new ConfigException("compression.algorithms: exactly one of DefaultQuantization or "
                    + "MinMaxQuantization is supported in this version, got " + algorithms.size());
        }
        return algorithms.get(0).params();
    }

    private void logPlan(QuantizationPlan plan) {
        log.accept("plan: " + plan.measuredActivations().size() + " activation quantizers (+"
                + (plan.activations().size() - plan.measuredActivations().size()) + " tied) and "
                + plan.weights().size() + " weight quantizers on " + plan.quantizedNodes().size() + " ops");
    }

    /**
     * The calibration samples: the data source, how many it has, the selected subset (POT's stat_subset_size,
     * seeded when shuffled) and a warning when fewer exist than were asked for.
     */
    record Samples(DataSource source, int available, List<SampleRef> selected, List<String> warnings) {
        static Samples select(QuantizationParams params, DataSource source) {
            List<SampleRef> all = source.list();
            List<SampleRef> selected = Subsets.select(all, params.statSubsetSize(), params.shuffleData(),
                    params.seed());
            List<String> warnings = new ArrayList<>();
            if (params.statSubsetSize() != null && selected.size() < params.statSubsetSize()) {
                warnings.add("stat_subset_size is " + params.statSubsetSize() + " but the data source has only "
                        + all.size() + " samples; all of them were used");
            }
            return new Samples(source, all.size(), selected, warnings);
        }
    }

    /** Everything the report needs from a run, gathered in one value. */
    record ReportInputs(PtqConfig config, QuantizationParams params, ModelGraph graph, QuantizationPlan plan,
                        QuantizerParameters qparams, StatisticsCache.Content stats, int samplesAvailable,
                        List<SampleRef> calibration, int partitions, int statisticsPasses, int histogramTensors,
                        List<String> warnings, String fp32Sha, Path modelPath, String backend,
                        Path statisticsFrom, RunReport.BiasCorrectionSummary biasCorrection,
                        RunReport.AdjustmentSummary adjustments, RunReport.IntegerKernelSummary integerKernels,
                        RunReport.LayerwiseTuningSummary layerwiseTuning) {
    }

}

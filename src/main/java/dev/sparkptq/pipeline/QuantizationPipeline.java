package dev.sparkptq.pipeline;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPlanner;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.report.StatisticsCache;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatisticsSet;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    public QuantizationPipeline(StatisticsBackend backend, Consumer<String> log) {
        this.backend = backend;
        this.log = log;
    }

    public RunResult run(PtqConfig config, RunOptions options) {
        Stopwatch clock = new Stopwatch();
        QuantizationParams params = singleAlgorithm(config);
        Path modelPath = config.model().model();
        log.accept("loading model " + modelPath);
        String fp32Sha = ModelIo.sha256(modelPath);
        OnnxMl.ModelProto original = ModelIo.load(modelPath);
        OnnxMl.ModelProto prepared = new SmoothQuant(backend, log).apply(ModelIo.prepareForQuantization(original),
                config, params, options);
        ModelGraph graph = ModelGraph.of(prepared);
        clock.lap("load");

        QuantizationPlan plan = QuantizationPlanner.plan(graph, params, config.compression());
        Samples samples = Samples.select(config, params, graph);
        DataSource calibration = samples.source();
        List<SampleRef> calib = samples.selected();
        List<String> warnings = samples.warnings();
        logPlan(plan);
        clock.lap("plan");

        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), calib.size()));
        List<BiasTarget> biasTargets = biasCorrects(config, params) ? BiasTarget.of(plan, graph) : List.of();
        StatisticsRequest request = StatisticsRequest.of(plan, graph, config.compression().inplaceStatistics())
                .plus(BiasTarget.requiredStatistics(biasTargets, graph), graph);
        StatisticsCache.Content stats = statistics(prepared, request, calibration, calib, partitions, params,
                options, fp32Sha, config, clock);

        QuantizerParameters qparams = QuantizerParameters.compute(plan, graph, stats.results(),
                stats.histogramResults());
        String configSha = config.sha256();
        OnnxMl.ModelProto quantized = GraphRewriter.apply(prepared,
                QdqEdits.of(plan, qparams, params.weightStorage(), Provenance.metadata(configSha, fp32Sha, params)));
        clock.lap("quantize");
        FastBiasCorrection.Outcome bias = biasCorrection(config, params, biasTargets, graph, plan, qparams, stats,
                warnings);
        quantized = BiasInitializers.replace(quantized, bias.biases());

        RunReport.MetricsSummary metrics = null;
        List<RunReport.QuantErrorSummary> quantError = null;
        if (options.evaluation() == RunOptions.Evaluation.RUN) {
            metrics = evaluate(config, graph, prepared, quantized, options, new HashSet<>(calib));
            clock.lap("evaluate");
            quantError = new QuantNoise(backend, log).measure(config, graph, quantized, plan, qparams, options);
            clock.lap("sqnr");
        }
        ReportInputs inputs = new ReportInputs(config, params, graph, plan, qparams, stats, samples.available(), calib,
                partitions, options.statistics() != null ? 0 : request.passes(), stats.histograms().size(), warnings,
                fp32Sha, modelPath, backend.describe(), options.statistics(), bias.summary());
        return OutputWriter.write(options.outputDir(), quantized, inputs, metrics, quantError, clock);
    }

    /**
     * The statistics the plan needs: pass 1 (per-sample statistics), plus pass 2 (histograms) when some activation
     * range comes from a histogram — or, with {@code --statistics}, an earlier run's, checked against this model
     * and this request.
     */
    private StatisticsCache.Content statistics(OnnxMl.ModelProto prepared, StatisticsRequest request,
                                               DataSource source, List<SampleRef> calib, int partitions,
                                               QuantizationParams params, RunOptions options, String fp32Sha,
                                               PtqConfig config, Stopwatch clock) {
        if (options.statistics() != null) {
            log.accept("reusing statistics from " + options.statistics());
            StatisticsCache.Content reused = StatisticsCache.load(options.statistics(), fp32Sha, request.specs(),
                    request.histogramTensors());
            clock.lap("statistics");
            return reused;
        }
        ModelBlob statsBlob = Blobs.of(GraphRewriter.apply(prepared, request.exposeEdits()),
                options.workDir().resolve("stats"));
        log.accept("collecting statistics of " + request.tensors().size() + " tensors over " + calib.size()
                + " samples in " + partitions + " partitions (" + backend.describe() + ", pass 1 of "
                + request.passes() + ")");
        StatisticsJob job = new StatisticsJob(statsBlob, request.outputs(), request.specs(), source,
                params.statBatchSize(), options.threadsPerTask());
        StatisticsSet stats = backend.collect(job, calib, partitions);
        stats.requireComplete();
        clock.lap("statistics");
        HistogramSet histograms = histograms(request, job, stats, calib, partitions);
        if (request.passes() > 1) {
            clock.lap("histograms");
        }
        return StatisticsCache.of(fp32Sha, config.engine().dataSource().toString(), calib.size(), stats.results(),
                histograms.results());
    }

    /**
     * Pass 2, only when some activation's range comes from a histogram: the same samples, partitions and exposed
     * model as pass 1, counting every element into bins fixed by pass 1's extremes.
     */
    private HistogramSet histograms(StatisticsRequest request, StatisticsJob pass1, StatisticsSet stats,
                                    List<SampleRef> calib, int partitions) {
        if (request.passes() == 1) {
            return HistogramSet.empty(List.of());
        }
        List<HistogramSpec> specs = request.histogramSpecs(stats.results());
        log.accept("counting histograms of " + specs.size() + " tensors over " + calib.size() + " samples (pass 2)");
        StatisticsJob job = new StatisticsJob(pass1.model(), request.histogramOutputs(), List.of(), specs,
                pass1.source(), pass1.batchSize(), pass1.threads());
        HistogramSet histograms = backend.histograms(job, calib, partitions);
        histograms.requireComplete();
        return histograms;
    }

    private RunReport.MetricsSummary evaluate(PtqConfig config, ModelGraph graph, OnnxMl.ModelProto fp32,
                                              OnnxMl.ModelProto quantized, RunOptions options,
                                              Set<SampleRef> calibrationRefs) {
        Path evalPath = config.engine().evalDataSource() != null ? config.engine().evalDataSource()
                : config.engine().dataSource();
        DataSource source = DataSources.create(config.engine().reader(), evalPath, graph.inputs());
        List<SampleRef> refs = source.list();
        if (config.engine().evalSubsetSize() != null) {
            refs = Subsets.select(refs, config.engine().evalSubsetSize(), false, 0L);
        }
        if (refs.isEmpty()) {
            throw new DataException("the evaluation data source " + evalPath + " has no samples");
        }
        int overlap = evalPath.equals(config.engine().dataSource())
                ? (int) refs.stream().filter(calibrationRefs::contains).count() : 0;
        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), refs.size()));
        log.accept("evaluating FP32 and quantized models on " + refs.size() + " samples");
        ModelBlob fp32Blob = Blobs.of(fp32, options.workDir().resolve("fp32"));
        ModelBlob qBlob = Blobs.of(quantized, options.workDir().resolve("quantized"));
        EvaluationResult r = backend.evaluate(
                new EvaluationJob(fp32Blob, qBlob, config.engine().metrics(), source, options.threadsPerTask()),
                refs, partitions);
        return Evaluations.summary(config, evalPath, r, overlap);
    }

    /** POT runs FastBiasCorrection in DefaultQuantization only, and only with {@code use_fast_bias: true}. */
    private static boolean biasCorrects(PtqConfig config, QuantizationParams params) {
        return config.compression().algorithms().get(0).name() == AlgorithmSpec.Name.DefaultQuantization
                && params.biasCorrection().enabled();
    }

    private FastBiasCorrection.Outcome biasCorrection(PtqConfig config, QuantizationParams params,
                                                      List<BiasTarget> targets, ModelGraph graph,
                                                      QuantizationPlan plan, QuantizerParameters qparams,
                                                      StatisticsCache.Content stats, List<String> warnings) {
        if (!biasCorrects(config, params)) {
            if (config.compression().algorithms().get(0).name() == AlgorithmSpec.Name.DefaultQuantization) {
                warnings.add("use_fast_bias is false: POT's full BiasCorrection is not implemented, so no bias was "
                        + "corrected (set use_fast_bias to true for FastBiasCorrection)");
            }
            return FastBiasCorrection.none(params.biasCorrection());
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
        static Samples select(PtqConfig config, QuantizationParams params, ModelGraph graph) {
            DataSource source = DataSources.create(config.engine().reader(), config.engine().dataSource(),
                    graph.inputs());
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
                        Path statisticsFrom, RunReport.BiasCorrectionSummary biasCorrection) {
    }

}

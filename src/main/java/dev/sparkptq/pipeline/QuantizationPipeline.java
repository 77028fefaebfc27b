package dev.sparkptq.pipeline;

import dev.sparkptq.algorithms.Registry;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.placement.IntegerKernelShare;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.StepContext;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One quantization run, DefaultQuantization/MinMaxQuantization: load and prepare the model, select the calibration
 * samples, run the algorithm's steps ({@link Registry}, composed by {@link StepRunner}) → evaluate (optional) →
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
        this.backend = IntakeBackend.guard(backend); // issue 12: bad samples screened, models run on the driver first
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
                    base.state().parameters(), options);
            base.lap("sqnr");
        }
        return base.write(options.output(), base.quantized(), metrics, quantError, r -> r);
    }

    /**
     * The base quantization, everything up to (not including) evaluation and saving: what
     * {@link #run} writes, and what AccuracyAwareQuantization starts from and rebuilds candidates with. Loads and
     * prepares the model, selects the calibration samples, then runs the algorithm's steps ({@link Registry}).
     */
    public BaseQuantization quantizeBase(PtqConfig config, RunOptions options) {
        Stopwatch clock = new Stopwatch();
        QuantizationParams params = singleAlgorithm(config);
        Path modelPath = dev.sparkptq.storage.ModelFetch.local(config.model().source(), options.workDir());
        log.accept("loading model " + config.model().source());
        String fp32Sha = ModelIo.sha256(modelPath);
        OnnxMl.ModelProto given = ModelIo.load(modelPath);
        ModelState loaded = Registry.prepared(given, log);
        Samples samples = Samples.select(params, source(config, config.engine().data(), loaded.graph()));
        IntakeBackend.configure(backend, config.engine(), samples.warnings()); // issue 12: engine.skip_bad_samples
        Preflight.model(backend, "the FP32 model", loaded.model(), samples.source(), samples.selected(),
                options.workDir());
        RunPasses passes = RunPasses.of(backend, config, params, samples.source(), samples.selected(), options);
        StepContext context = new StepContext(config, params, passes, log,
                Provenance.metadata(config.sha256(), fp32Sha, params));
        clock.lap("load");
        FloatPasses floatPasses = new FloatPasses(passes, log, clock, options.statistics() == null ? null
                : dev.sparkptq.storage.Storage.localCopy(options.statistics(), options.workDir(), "--statistics"),
                fp32Sha, config.engine().dataName());
        int warned = samples.warnings().size();
        ModelState stepped = new StepRunner(floatPasses::collect, clock).run(Registry.steps(context),
                initial(loaded, params, samples.warnings()));
        for (String w : List.copyOf(samples.warnings().subList(warned, samples.warnings().size()))) {
            stepped = stepped.withWarning(w); // found during the passes (engine.skip_bad_samples: the files left out)
        }
        OnnxMl.ModelProto fp32 = baseline(given, stepped);
        stepped = FidelityStep.run(backend, log, config, options, stepped, params, fp32Sha, samples, passes, fp32);
        clock.lap("fidelity_placement");
        ModelState guarded = speedGuard(config, options, fp32, stepped, params, fp32Sha, samples, passes, context);
        clock.lap("speed_guard");
        // an accuracy-aware search measures its own result on the validation data; the base is not what it writes.
        // A Java-API Dataset pulls rows to load a sample: its caller evaluates with its own metrics
        boolean searched = config.compression().algorithms().get(0).accuracyAware() != null;
        ModelState done = searched || data != null ? guarded
                : FidelityCheck.run(backend.engines(), log, guarded, samples, options.workDir());
        clock.lap("fidelity_check");
        RunFacts run = new RunFacts(config, params, samples.available(), samples.selected(),
                passes.partitions(samples.selected().size()), fp32Sha, modelPath, backend.describe(),
                options.statistics());
        return new BaseQuantization(new ReportInputs(run, done, floatPasses.calibration()),
                () -> new CandidateRecipe(done, params, config.sha256(), fp32Sha), clock,
                (plan, model, build) -> SpeedStep.run(backend, log, config, options, fp32, done.reference(), plan,
                        model, build, samples, context.provenance()));
    }

    /**
     * The state the steps start from: the sample selection's warnings, and the report sections every run has, as
     * they read when no step changes them (no bias correction, no adjusted layer).
     */
    static ModelState initial(ModelState loaded, QuantizationParams params, List<String> warnings) {
        ModelState state = loaded.withSection(RunReport.AdjustmentSummary.initial(
                params.adjustments().overflowFix().name().toLowerCase(),
                params.adjustments().channelAlignment().name().toLowerCase(),
                params.adjustments().equalization().name().toLowerCase()))
                .withSection(new RunReport.BiasCorrectionSummary("none", params.biasCorrection().threshold(),
                        params.biasCorrection().applyForAllNodes(), 0, List.of(), List.of()));
        for (String w : warnings) {
            state = state.withWarning(w);
        }
        return state;
    }

    private RunReport.MetricsSummary evaluate(PtqConfig config, ModelGraph graph, OnnxMl.ModelProto fp32,
                                              OnnxMl.ModelProto quantized, RunOptions options,
                                              Set<SampleRef> calibrationRefs) {
        ValidationData validation = ValidationData.of(config, graph, calibrationRefs, data,
                backend.sources(config.engine().numPartitions()));
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
        return Evaluations.summary(config, validation.name(), r, overlap);
    }

    /** The samples at {@code path}: those given to the constructor, or the config's reader over {@code path}. */
    private DataSource source(PtqConfig config, dev.sparkptq.core.Location path, ModelGraph graph) {
        return data != null ? data : backend.sources(config.engine().numPartitions())
                .create(config.engine().reader(), path, graph.inputs());
    }

    /**
     * The FP32 model the speed guard times INT8 against and falls back to: the model as given, or the prepared model
     * when preparation had to repair it; null (no guard) when it is too large to time in the driver.
     */
    private static OnnxMl.ModelProto baseline(OnnxMl.ModelProto given, ModelState state) {
        if (ModelIo.initializerBytes(given) >= Blobs.INLINE_LIMIT) {
            return null;
        }
        // a file preparation had to repair (IR 1-2, FP16 upcast) may not load in ONNX Runtime, or crash it: time
        // the prepared FP32 model the preflight ran instead
        return Registry.repaired(state) ? state.reference() : given;
    }

    /**
     * Placement by ONNX Runtime's optimized graph and the speed guard ({@code engine.speed_guard}, issue 13) on the
     * model the steps produced: quantizers that feed no integer kernel are removed, ops whose integer kernel is
     * slower return to float, and a quantized model that is still not faster than FP32 is replaced by the float
     * model. Sub-plans are rebuilt with the recipe an accuracy-aware search uses, so a model with quantizers removed
     * is exactly what quantizing without them gives.
     */
    private ModelState speedGuard(PtqConfig config, RunOptions options, OnnxMl.ModelProto given, ModelState state,
                                  QuantizationParams params, String fp32Sha, Samples samples, RunPasses passes,
                                  StepContext context) {
        if (!state.isQuantized() || !state.hasPlan()) {
            return state;
        }
        RunReport.IntegerKernelSummary before = state.section(RunReport.IntegerKernelSummary.class).orElse(null);
        SpeedStep.Result speed = SpeedStep.run(backend, log, config, options, given, state.reference(), state.plan(),
                state.quantized(), () -> new CandidateRecipe(state, params, config.sha256(), fp32Sha), samples,
                context.provenance());
        ModelState out = state;
        RunReport.IntegerKernelSummary after = before;
        if (speed.quantized() != state.quantized()) {
            out = out.withPlan(speed.plan()).withQuantized(speed.quantized());
            after = null;
            if (!samples.selected().isEmpty()) {
                try {
                    after = IntegerKernelShare.measure(speed.quantized(), samples.source().load(
                            samples.selected().get(0)), passes);
                } catch (RuntimeException e) {
                    out = out.withWarning("the integer-kernel share was not measured: " + e.getMessage());
                }
            }
            if (after != null) {
                out = out.withSection(after);
            }
        }
        out = out.withSection(speed.summary().withIntegerShares(before == null ? null : before.integerShare(),
                after == null ? null : after.integerShare()));
        return speed.summary().warning() == null ? out : out.withWarning(speed.summary().warning());
    }

    private static QuantizationParams singleAlgorithm(PtqConfig config) {
        List<AlgorithmSpec> algorithms = config.compression().algorithms();
        if (algorithms.size() != 1) {
            throw new ConfigException("compression.algorithms: exactly one of DefaultQuantization or "
                    + "MinMaxQuantization is supported in this version, got " + algorithms.size());
        }
        return algorithms.get(0).params();
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

        /**
         * The inputs of the first {@code n} selected samples that load, read in the driver (the speed guard times
         * them, the fidelity check compares on them). A file that cannot be decoded is passed over: with {@code
         * engine.skip_bad_samples} the passes left it out, without it they failed before this is called.
         */
        List<Map<String, Tensor>> inputs(int n) {
            List<Map<String, Tensor>> out = new ArrayList<>();
            for (SampleRef ref : selected) {
                if (out.size() == n) {
                    break;
                }
                try {
                    out.add(source.load(ref).inputs());
                } catch (dev.sparkptq.core.BadSampleException e) {
                    // the next sample stands in for it
                }
            }
            return out;
        }
    }

    /**
     * What a run knows besides its model state.
     *
     * @param calibration    the calibration samples
     * @param partitions     the partitions of a pass over them
     * @param backend        where work ran, for the report
     * @param statisticsFrom the earlier run's statistics.json that stood for the calibration pass, or null
     */
    record RunFacts(PtqConfig config, QuantizationParams params, int samplesAvailable, List<SampleRef> calibration,
                    int partitions, String fp32Sha, Path modelPath, String backend,
                    dev.sparkptq.core.Location statisticsFrom) {
    }

    /** Everything the report needs from a run: its facts, the final model state and the calibration pass. */
    record ReportInputs(RunFacts run, ModelState state, FloatPasses.Calibration calibration) {
    }
}

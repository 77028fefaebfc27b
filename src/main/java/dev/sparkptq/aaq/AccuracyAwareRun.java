package dev.sparkptq.aaq;

import dev.sparkptq.accuracy.Metric;
import dev.sparkptq.accuracy.Metrics;
import dev.sparkptq.config.AccuracyAwareSpec;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.MetricSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.pipeline.BaseQuantization;
import dev.sparkptq.pipeline.IntakeBackend;
import dev.sparkptq.pipeline.Preflight;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.ValidationData;
import dev.sparkptq.plan.RevertGroup;
import dev.sparkptq.plan.RevertGroups;
import dev.sparkptq.report.RunReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * An AccuracyAwareQuantization run: base quantization, FP32 and base evaluation with per-sample values, revert
 * groups, ranking subset, the greedy search (checkpointed, resumable), then the model of the search's outcome — the
 * target's, or the best found — saved with the full report. Never empty-handed: a missed target still writes both.
 */
public final class AccuracyAwareRun {
    /** The speed guard's outcome when it wrote the float model ({@code speed.outcome} in report.json). */
    static final String FP32_FALLBACK = "fp32_fallback";
    private final StatisticsBackend backend;
    private final Consumer<String> log;

    /** What the run wrote, and whether every drop is within maximal_drop (else exit code 5). */
    public record Result(RunResult run, boolean targetMet) {
    }

    public AccuracyAwareRun(StatisticsBackend backend, Consumer<String> log) {
        this.backend = IntakeBackend.guard(backend); // issue 12: shared with its QuantizationPipeline
        this.log = log;
    }

    /** @param resume continue from the checkpoint in {@code options.output()} instead of starting over */
    public Result run(PtqConfig config, RunOptions options, boolean resume) {
        AccuracyAwareSpec spec = spec(config);
        // a folder without a readable checkpoint fails now, not after calibration; the recipe is checked below
        SearchState saved = resume ? Checkpoint.read(options.output()) : null;
        BaseQuantization base = new QuantizationPipeline(backend, log).quantizeBase(config, options);
        ValidationData v = ValidationData.of(config, base.graph(), base.calibration(), null,
                backend.sources(config.engine().numPartitions()));
        ValidationData validation = new ValidationData(v.name(), v.source(), IntakeBackend.screen(backend, v.source(),
                v.refs()), v.overlap()); // issue 12: engine.skip_bad_samples
        Preflight.model(backend, "the quantized model", base.quantized(), validation.source(), validation.refs(),
                options.workDir()); // issue 12: before the first evaluation job
        List<RevertGroup> groups = RevertGroups.of(base.plan());
        List<Metric> metrics = config.engine().metrics().stream()
                .map(m -> Metrics.create(m, base.graph().outputs())).toList();
        int partitions = Math.max(1, Math.min(config.engine().numPartitions(), validation.refs().size()));
        Evaluator evaluator = new Evaluator(backend, base.recipe(), groups, spec, config.engine().metrics(),
                validation.source(), options.threadsPerTask(), partitions);
        String recipe = base.recipe().digest() + "|" + config.sha256();
        SearchState state;
        if (resume) {
            state = Checkpoint.requireRecipe(saved, options.output(), recipe);
            evaluator.restoreCounts(state.subsetEvaluations, state.fullEvaluations);
            log.accept("resuming the accuracy-aware search after " + state.iterations.size() + " iterations");
        } else {
            state = start(evaluator, validation, metrics, spec, recipe);
            Checkpoint.save(options.output(), state);
        }
        Targets targets = new Targets(metrics, state.baseline, spec);
        base.lap("aaq_baseline");
        log.accept(groups.size() + " revert groups; base drop " + targets.drops(state.base) + ", allowed "
                + spec.maximalDrop());
        new AccuracyAwareSearch(evaluator, groups, targets, spec, validation.refs(), options.output(), log)
                .run(state);
        base.lap("aaq_search");
        boolean met = targets.met(state.current);
        List<Integer> chosen = met ? state.reverted : state.best;
        Map<String, Double> searched = met ? state.current : state.bestValues;
        if (!met) {
            log.accept("could not reach the allowed drop " + spec.maximalDrop() + "; saving the best model found ("
                    + chosen.size() + " groups reverted, drop " + targets.drops(searched) + ")");
        }
        BaseQuantization.Guarded guarded = guarded(base, groups, spec, chosen);
        var model = guarded.model();
        // the float model's values are FP32's own; ops returned to float keep the search's (measured before)
        Map<String, Double> values = FP32_FALLBACK.equals(guarded.speed().outcome()) ? state.fp32 : searched;
        RunReport.AaqLatency latency = FinalLatency.measure(backend.engines(), base.recipe().fp32(), model,
                validation.source(), validation.refs());
        log.accept(String.format(java.util.Locale.ROOT, "accuracy-aware result: %d of %d groups reverted; FP32 %.2f "
                + "ms, quantized %.2f ms per sample (%.2fx, one thread)", chosen.size(), groups.size(),
                latency.fp32Ms(), latency.quantizedMs(), latency.speedup()));
        base.lap("aaq_latency");
        var metricsSummary = new RunReport.MetricsSummary(validation.name(), state.samples,
                validation.overlap(), state.fp32, values, targets.drops(values));
        RunReport.AccuracyAwareSummary summary = AaqReport.summary(spec, state, targets, groups, chosen, values, met,
                latency);
        RunResult written = base.write(options.output(), model, metricsSummary, null,
                r -> r.withAccuracyAware(summary).withSpeed(guarded.speed()));
        return new Result(written, met);
    }

    /**
     * The search's result through the run's speed guard: its reverted groups are float islands with Q/DQ at their
     * borders and may make it slower than FP32, which the tool promises never to write. The guard only returns more
     * ops to float, or falls back to the float model, so the drop stays within what the search measured.
     */
    private BaseQuantization.Guarded guarded(BaseQuantization base, List<RevertGroup> groups, AccuracyAwareSpec spec,
                                             List<Integer> chosen) {
        Candidates.Variant v = Candidates.variant(base.recipe(), groups, spec,
                chosen.stream().mapToInt(Integer::intValue).sorted().toArray());
        return base.speedGuard(v.plan(), base.recipe().build(v.plan(), v.int16()), v.int16());
    }

    /** The FP32 and base evaluation (one job), baselines, and the ranking subset. */
    private SearchState start(Evaluator evaluator, ValidationData validation, List<Metric> metrics,
                              AccuracyAwareSpec spec, String recipe) {
        log.accept("evaluating FP32 and the base quantization on " + validation.refs().size() + " samples");
        Evaluated e = evaluator.full(new int[0], validation.refs(), "accuracy-aware baseline");
        SearchState s = new SearchState();
        s.recipe = recipe;
        s.fp32 = new LinkedHashMap<>(e.fp32().values());
        s.baseline = new LinkedHashMap<>(s.fp32);
        s.baseline.putAll(spec.baselines());
        s.base = new LinkedHashMap<>(e.candidate().values());
        s.current = new LinkedHashMap<>(s.base);
        s.bestValues = new LinkedHashMap<>(s.base);
        s.samples = e.samples();
        Targets targets = new Targets(metrics, s.baseline, spec);
        s.metric = targets.worst(s.base);
        int index = targets.index(s.metric);
        s.subset = RankingSubset.select(e, targets.metric(s.metric), index, spec.rankingSubsetSize());
        // the first checkpoint is saved before the search loop stores the counters: a run resumed from it must not
        // forget the baseline evaluation
        s.subsetEvaluations = evaluator.subsetEvaluations();
        s.fullEvaluations = evaluator.fullEvaluations();
        return s;
    }

    /** The AccuracyAwareQuantization params, with baselines checked against the engine's metrics. */
    static AccuracyAwareSpec spec(PtqConfig config) {
        AlgorithmSpec a = config.compression().algorithms().get(0);
        if (a.accuracyAware() == null) {
            throw new ConfigException("compression.algorithms[0] is " + a.name() + ", not AccuracyAwareQuantization");
        }
        Set<String> names = config.engine().metrics().stream().map(MetricSpec::name).collect(Collectors.toSet());
        for (String m : a.accuracyAware().baselines().keySet()) {
            if (!names.contains(m)) {
                throw new ConfigException("compression.algorithms[0].params.metrics: '" + m + "' is not one of "
                        + "engine.metrics " + new ArrayList<>(names) + "; name an evaluated metric");
            }
        }
        return a.accuracyAware();
    }
}

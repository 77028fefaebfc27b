package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.calibration.HistogramRanges;
import dev.sparkptq.calibration.RangeEstimators;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TensorFacts;
import dev.sparkptq.graph.edit.GraphEdit.AddOutput;
import dev.sparkptq.graph.edit.GraphEdit.AddReduction;
import dev.sparkptq.stats.StatisticsSet;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * All statistics a plan needs, deduplicated and sorted (DESIGN convention 2: algorithms ask for statistics as
 * data; one pass collects them all). Histogram estimators with {@code edges: grid} (the default) count their
 * histograms in that same pass ({@link #gridHistogramSpecs}); those with {@code edges: extremes} need a second pass,
 * whose bin edges come from the first pass's extremes ({@link #histogramSpecs} turns pass-1 results into what pass
 * 2 counts). No {@code extremes} histogram point, no second pass.
 *
 * @param specs            every pass-1 statistic, sorted
 * @param tensors          every tensor the pass-1 statistics read, sorted
 * @param outputs          the tensors the statistics model must expose (graph inputs are read from the samples)
 * @param histogramPoints  activations whose range comes from a histogram, sorted by tensor (validated)
 * @param histogramOutputs the exposed outputs pass 2 fetches (histogram tensors that are not graph inputs)
 * @param reductions       in-graph per-sample reductions ({@code inplace_statistics}); their outputs are in
 *                         {@code outputs} under {@link StatisticsSet#reducedName} names
 */
record StatisticsRequest(List<StatisticSpec> specs, List<String> tensors, List<String> outputs,
                         List<QuantizationPoint> histogramPoints, List<String> histogramOutputs,
                         List<AddReduction> reductions) {

    StatisticsRequest {
        specs = List.copyOf(specs);
        tensors = List.copyOf(tensors);
        outputs = List.copyOf(outputs);
        histogramPoints = List.copyOf(histogramPoints);
        histogramOutputs = List.copyOf(histogramOutputs);
        reductions = List.copyOf(reductions);
    }

    /**
     * Throws ConfigException for a histogram estimator the plan cannot use, before any pass runs.
     *
     * @param inplace reduce MIN/MAX/ABS_MAX statistics inside the graph (POT's {@code inplace_statistics}); tensors
     *                with quantile statistics, histograms or an unknown rank for a per-channel statistic are still
     *                exposed whole
     */
    static StatisticsRequest of(QuantizationPlan plan, ModelGraph graph, boolean inplace) {
        Set<StatisticSpec> specs = new TreeSet<>();
        List<QuantizationPoint> histogramPoints = new ArrayList<>();
        for (QuantizationPoint p : plan.measuredActivations()) {
            specs.addAll(RangeEstimators.requiredStatistics(p.tensor(), p.spec(), p.channelAxis()));
            if (HistogramRanges.applies(p.spec())) {
                HistogramRanges.validate(p.tensor(), p.spec());
                histogramPoints.add(p);
            }
        }
        histogramPoints.sort(Comparator.comparing(QuantizationPoint::tensor));
        return build(specs, histogramPoints, graph, inplace, true);
    }

    /**
     * A request for exactly {@code wanted} (no histograms), e.g. SmoothQuant's per-channel abs-max pass; MIN, MAX
     * and ABS_MAX statistics are reduced in the graph when {@code inplace}.
     */
    static StatisticsRequest ofStatistics(Collection<StatisticSpec> wanted, ModelGraph graph, boolean inplace) {
        return build(new TreeSet<>(wanted), new ArrayList<>(), graph, inplace, false);
    }

    /**
     * @param forRanges the MIN statistics only feed quantization ranges, which contain 0 anyway: a tensor known to
     *                  be ≥ 0 may report 0 as its min instead of computing it (see {@link AddReduction})
     */
    private static StatisticsRequest build(Set<StatisticSpec> specs, List<QuantizationPoint> histogramPoints,
                                           ModelGraph graph, boolean inplace, boolean forRanges) {
        TensorFacts facts = TensorFacts.of(graph);
        Set<String> tensors = new TreeSet<>();
        specs.forEach(s -> tensors.add(s.tensor()));
        Set<String> graphInputs = new TreeSet<>();
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
        List<String> histogramOutputs = histogramPoints.stream().map(QuantizationPoint::tensor)
                .filter(t -> !graphInputs.contains(t)).toList();
        List<AddReduction> reductions = new ArrayList<>();
        Set<String> whole = new TreeSet<>(histogramOutputs);
        for (StatisticSpec spec : specs) {
            if (graphInputs.contains(spec.tensor())) {
                continue; // read from the sample itself
            }
            AddReduction r = inplace ? reduction(spec, facts, forRanges) : null;
            if (r == null) {
                whole.add(spec.tensor());
            } else if (reductions.stream().noneMatch(x -> x.output().equals(r.output()))) {
                reductions.add(r);
            }
        }
        List<String> outputs = new ArrayList<>(whole);
        reductions.forEach(r -> outputs.add(r.output()));
        return new StatisticsRequest(List.copyOf(specs), List.copyOf(tensors), outputs, histogramPoints,
                histogramOutputs, reductions);
    }

    /**
     * This request plus statistics another algorithm asks for (e.g. bias correction's per-channel means), collected
     * in the same pass; their tensors are exposed whole unless already requested.
     */
    StatisticsRequest plus(List<StatisticSpec> extra, ModelGraph graph) {
        if (extra.isEmpty()) {
            return this;
        }
        Set<StatisticSpec> all = new TreeSet<>(specs);
        all.addAll(extra);
        Set<String> allTensors = new TreeSet<>(tensors);
        Set<String> graphInputs = new TreeSet<>();
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
        List<String> more = new ArrayList<>(outputs);
        for (StatisticSpec spec : extra) {
            if (allTensors.add(spec.tensor()) && !graphInputs.contains(spec.tensor())) {
                more.add(spec.tensor());
            } else if (!graphInputs.contains(spec.tensor()) && !more.contains(spec.tensor())) {
                more.add(spec.tensor()); // requested before only through an in-graph reduction
            }
        }
        return new StatisticsRequest(List.copyOf(all), List.copyOf(allTensors), more, histogramPoints,
                histogramOutputs, reductions);
    }

    /** The in-graph reduction computing {@code spec}'s per-sample statistic, or null when the graph cannot. */
    private static AddReduction reduction(StatisticSpec spec, TensorFacts facts, boolean forRanges) {
        GraphEdit.Reduction kind = switch (spec.stat()) {
            case MIN -> GraphEdit.Reduction.MIN;
            case MAX -> GraphEdit.Reduction.MAX;
            case ABS_MAX -> GraphEdit.Reduction.ABS_MAX;
            default -> null; // quantiles need the whole sample
        };
        int rank = facts.rank(spec.tensor());
        if (kind == null || (spec.channelAxis() >= 0 && rank < 0)) {
            return null;
        }
        // ABS_MAX of a non-negative tensor is its MAX exactly; reporting MIN as 0 is only right for ranges
        boolean nonNegative = (forRanges || kind == GraphEdit.Reduction.ABS_MAX) && facts.nonNegative(spec.tensor());
        return new AddReduction(spec.tensor(), kind, spec.channelAxis(), rank, nonNegative,
                StatisticsSet.reducedName(spec.tensor(), spec.stat(), spec.channelAxis()));
    }

    /** Exposes whole tensors (quantiles, histograms) and adds the in-graph reductions. */
    List<GraphEdit> exposeEdits() {
        List<GraphEdit> edits = new ArrayList<>();
        outputs.stream().filter(o -> reductions.stream().noneMatch(r -> r.output().equals(o)))
                .forEach(t -> edits.add(new AddOutput(t)));
        edits.addAll(reductions);
        return edits;
    }

    /** The activations whose range comes from a histogram (sorted). */
    List<String> histogramTensors() {
        return histogramPoints.stream().map(QuantizationPoint::tensor).toList();
    }

    /**
     * How many statistics passes this request takes: 2 when some range comes from a histogram with
     * {@code edges: extremes}.
     */
    int passes() {
        return histogramPoints.stream().allMatch(p -> HistogramRanges.onePass(p.spec())) ? 1 : 2;
    }

    /** The grid histograms counted in the one statistics pass (sorted by tensor; empty when none). */
    List<HistogramSpec> gridHistogramSpecs() {
        return histogramPoints.stream().filter(p -> HistogramRanges.onePass(p.spec()))
                .map(p -> HistogramRanges.gridSpec(p.tensor(), p.spec())).toList();
    }

    /** What pass 2 counts, with edges from the pass-1 results (which must be complete). */
    List<HistogramSpec> histogramSpecs(Map<StatisticSpec, StatResult> pass1) {
        List<HistogramSpec> out = new ArrayList<>();
        for (QuantizationPoint p : histogramPoints) {
            if (HistogramRanges.onePass(p.spec())) {
                continue; // counted in pass 1
            }
            out.add(HistogramRanges.histogramSpec(p.tensor(), p.spec(),
                    RangeEstimators.activationRange(p.tensor(), p.spec(), p.channelAxis(), pass1)));
        }
        return out;
    }

    /**
     * Pass 1 as a job: {@code prepared} with this request's outputs exposed (staged under {@code stagingDir}), its
     * statistics and grid histograms, over {@code source}.
     */
    StatisticsJob pass1(OnnxMl.ModelProto prepared, Path stagingDir, DataSource source, int batchSize, int threads) {
        ModelBlob blob = Blobs.of(GraphRewriter.apply(prepared, exposeEdits()), stagingDir);
        return new StatisticsJob(blob, outputs(), specs(), gridHistogramSpecs(), source, batchSize, threads);
    }

    /** Pass 2 as a job: pass 1's model, samples and sizing, counting {@link #histogramSpecs} of its results. */
    StatisticsJob pass2(StatisticsJob pass1, Map<StatisticSpec, StatResult> pass1Results) {
        return new StatisticsJob(pass1.model(), histogramOutputs(), List.of(), histogramSpecs(pass1Results),
                pass1.source(), pass1.batchSize(), pass1.threads());
    }
}

package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TensorFacts;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphEdit.AddOutput;
import dev.sparkptq.graph.edit.GraphEdit.AddReduction;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.StatisticsRequest.LaterHistogram;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One statistics pass for the requests of consecutive steps (DESIGN convention 2: one pass collects what the steps
 * asked for), deduplicated and sorted, and how the model is made to expose it: a tensor is reduced inside the graph
 * when {@code inplace_statistics} allows it (MIN/MAX/ABS_MAX of a tensor of known rank), exposed whole otherwise;
 * graph inputs are read from the samples. Histograms with edges known beforehand are counted in the same pass;
 * those whose edges come from this pass's results ({@link LaterHistogram}) in a second pass over the same exposed
 * model. No later histogram, no second pass.
 *
 * @param specs            every pass-1 statistic, sorted
 * @param tensors          every tensor the pass-1 statistics read, sorted
 * @param outputs          the tensors the statistics model must expose (the first request's sorted, in-graph
 *                         reductions under {@link StatisticsSet#reducedName} names, then the later requests')
 * @param grid             histograms counted in pass 1, sorted by tensor
 * @param later            histograms counted in pass 2, sorted by tensor
 * @param histogramOutputs the exposed outputs pass 2 fetches (histogram tensors that are not graph inputs)
 * @param reductions       in-graph per-sample reductions; their outputs are in {@code outputs}
 */
record StatisticsPass(List<StatisticSpec> specs, List<String> tensors, List<String> outputs,
                      List<HistogramSpec> grid, List<LaterHistogram> later, List<String> histogramOutputs,
                      List<AddReduction> reductions) {

    StatisticsPass {
        specs = List.copyOf(specs);
        tensors = List.copyOf(tensors);
        outputs = List.copyOf(outputs);
        grid = List.copyOf(grid);
        later = List.copyOf(later);
        histogramOutputs = List.copyOf(histogramOutputs);
        reductions = List.copyOf(reductions);
    }

    /**
     * The pass collecting every request on the model of {@code graph}.
     *
     * @param inplace reduce MIN/MAX/ABS_MAX statistics inside the graph (POT's {@code inplace_statistics})
     */
    static StatisticsPass of(List<StatisticsRequest> requests, ModelGraph graph, boolean inplace) {
        Set<StatisticSpec> specs = new TreeSet<>();
        Set<StatisticSpec> values = new TreeSet<>(); // asked for as exact values by some request
        List<HistogramSpec> grid = new ArrayList<>();
        List<LaterHistogram> later = new ArrayList<>();
        for (StatisticsRequest r : requests) {
            specs.addAll(r.specs());
            if (r.use() == StatisticsRequest.Use.VALUES) {
                values.addAll(r.specs());
            }
            grid.addAll(r.histograms());
            later.addAll(r.later());
        }
        grid.sort(Comparator.comparing(HistogramSpec::tensor));
        later.sort(Comparator.comparing(LaterHistogram::tensor));
        Set<String> tensors = new TreeSet<>();
        specs.forEach(s -> tensors.add(s.tensor()));
        Set<String> graphInputs = new TreeSet<>();
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
        Set<String> histogramTensors = new TreeSet<>();
        grid.forEach(h -> histogramTensors.add(h.tensor()));
        later.forEach(h -> histogramTensors.add(h.tensor()));
        List<String> histogramOutputs = histogramTensors.stream().filter(t -> !graphInputs.contains(t)).toList();
        Exposure exposure = new Exposure(graph, graphInputs, inplace, values);
        exposure.first(requests.isEmpty() ? List.of() : requests.get(0).specs(), histogramOutputs);
        requests.stream().skip(1).forEach(r -> exposure.more(r.specs()));
        return new StatisticsPass(List.copyOf(specs), List.copyOf(tensors), exposure.outputs, grid, later,
                histogramOutputs, exposure.reductions);
    }

    /** How each tensor is read: the outputs to expose and the in-graph reductions, in a stable order. */
    private static final class Exposure {
        final ModelGraph graph;
        final Set<String> graphInputs;
        final boolean inplace;
        final Set<StatisticSpec> values;
        TensorFacts facts;
        final List<String> outputs = new ArrayList<>();
        final List<AddReduction> reductions = new ArrayList<>();

        Exposure(ModelGraph graph, Set<String> graphInputs, boolean inplace, Set<StatisticSpec> values) {
            this.graph = graph;
            this.graphInputs = graphInputs;
            this.inplace = inplace;
            this.values = values;
        }

        /** The first request: its whole tensors sorted (with the histogram tensors), then its reductions. */
        void first(List<StatisticSpec> specs, List<String> histogramOutputs) {
            Set<String> whole = new TreeSet<>(histogramOutputs);
            List<AddReduction> own = new ArrayList<>();
            for (StatisticSpec spec : new TreeSet<>(specs)) {
                if (graphInputs.contains(spec.tensor())) {
                    continue; // read from the sample itself
                }
                AddReduction r = reduction(spec);
                if (r == null) {
                    whole.add(spec.tensor());
                } else if (own.stream().noneMatch(x -> x.output().equals(r.output()))) {
                    own.add(r);
                }
            }
            outputs.addAll(whole);
            own.forEach(this::addReduction);
        }

        /** A later request: what it reads that is not read yet, appended in its order. */
        void more(List<StatisticSpec> specs) {
            for (StatisticSpec spec : specs) {
                if (graphInputs.contains(spec.tensor())) {
                    continue;
                }
                AddReduction r = reduction(spec);
                if (r != null && reductions.stream().noneMatch(x -> x.output().equals(r.output()))) {
                    addReduction(r);
                } else if (r == null && !outputs.contains(spec.tensor())) {
                    outputs.add(spec.tensor()); // also when requested before only through an in-graph reduction
                }
            }
        }

        private void addReduction(AddReduction r) {
            reductions.add(r);
            outputs.add(r.output());
        }

        /** The in-graph reduction computing {@code spec}'s per-sample statistic, or null when the graph cannot. */
        private AddReduction reduction(StatisticSpec spec) {
            if (!inplace) {
                return null;
            }
            GraphEdit.Reduction kind = switch (spec.stat()) {
                case MIN -> GraphEdit.Reduction.MIN;
                case MAX -> GraphEdit.Reduction.MAX;
                case ABS_MAX -> GraphEdit.Reduction.ABS_MAX;
                default -> null; // quantiles need the whole sample
            };
            if (kind == null) {
                return null;
            }
            if (facts == null) {
                facts = TensorFacts.of(graph);
            }
            int rank = facts.rank(spec.tensor());
            if (spec.channelAxis() >= 0 && rank < 0) {
                return null;
            }
            // ABS_MAX of a non-negative tensor is its MAX exactly; reporting MIN as 0 is only right for ranges
            boolean forRanges = !values.contains(spec);
            boolean nonNegative = (forRanges || kind == GraphEdit.Reduction.ABS_MAX)
                    && facts.nonNegative(spec.tensor());
            return new AddReduction(spec.tensor(), kind, spec.channelAxis(), rank, nonNegative,
                    StatisticsSet.reducedName(spec.tensor(), spec.stat(), spec.channelAxis()));
        }
    }

    /** Exposes whole tensors (quantiles, histograms, means) and adds the in-graph reductions. */
    List<GraphEdit> exposeEdits() {
        List<GraphEdit> edits = new ArrayList<>();
        outputs.stream().filter(o -> reductions.stream().noneMatch(r -> r.output().equals(o)))
                .forEach(t -> edits.add(new AddOutput(t)));
        edits.addAll(reductions);
        return edits;
    }

    /** Every histogram tensor of the pass (both kinds), sorted. */
    List<String> histogramTensors() {
        Set<String> out = new TreeSet<>();
        grid.forEach(h -> out.add(h.tensor()));
        later.forEach(h -> out.add(h.tensor()));
        return List.copyOf(out);
    }

    /** How many passes over the samples: 2 when some histogram's edges come from this pass's results. */
    int passes() {
        return later.isEmpty() ? 1 : 2;
    }

    /** What pass 2 counts, with edges from the pass-1 results (which must be complete). */
    List<HistogramSpec> laterSpecs(Map<StatisticSpec, StatResult> pass1) {
        return later.stream().map(h -> h.edges().apply(pass1)).toList();
    }

    /**
     * Pass 1 as a job: {@code model} with this pass's outputs exposed (staged under {@code stagingDir}), its
     * statistics and grid histograms, over {@code source}.
     */
    StatisticsJob pass1(OnnxMl.ModelProto model, Path stagingDir, DataSource source, int batchSize, int threads) {
        ModelBlob blob = Blobs.of(GraphRewriter.apply(model, exposeEdits()), stagingDir);
        return new StatisticsJob(blob, outputs(), specs(), grid(), source, batchSize, threads);
    }

    /** Pass 2 as a job: pass 1's model, samples and sizing, counting {@link #laterSpecs} of its results. */
    StatisticsJob pass2(StatisticsJob pass1, Map<StatisticSpec, StatResult> pass1Results) {
        return new StatisticsJob(pass1.model(), histogramOutputs(), List.of(), laterSpecs(pass1Results),
                pass1.source(), pass1.batchSize(), pass1.threads());
    }
}

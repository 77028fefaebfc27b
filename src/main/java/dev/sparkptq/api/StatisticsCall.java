package dev.sparkptq.api;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@link Engine#statistics}: checks the requested tensors against the model, exposes them as graph outputs (graph
 * inputs are measured from the samples themselves), and leaves the pass to the engine — the calibration's own
 * statistics pass, so the numbers are those a quantization run would see.
 */
final class StatisticsCall {
    private StatisticsCall() {
    }

    /** The four cheap per-tensor statistics of each tensor. */
    static List<StatisticSpec> summarySpecs(List<String> tensors) {
        List<StatisticSpec> specs = new ArrayList<>();
        for (String t : tensors) {
            specs.add(StatisticSpec.perTensor(t, PerSampleStat.MIN, Aggregation.MIN));
            specs.add(StatisticSpec.perTensor(t, PerSampleStat.MAX, Aggregation.MAX));
            specs.add(StatisticSpec.perTensor(t, PerSampleStat.ABS_MAX, Aggregation.MAX));
            specs.add(StatisticSpec.perTensor(t, PerSampleStat.MEAN, Aggregation.MEAN));
        }
        return specs;
    }

    /** {@link #summarySpecs}' results per tensor, in the order asked. */
    static Map<String, TensorStatistics> summaries(List<String> tensors, SortedMap<StatisticSpec, StatResult> r) {
        Map<String, TensorStatistics> out = new LinkedHashMap<>();
        for (String t : tensors) {
            StatResult min = r.get(StatisticSpec.perTensor(t, PerSampleStat.MIN, Aggregation.MIN));
            StatResult max = r.get(StatisticSpec.perTensor(t, PerSampleStat.MAX, Aggregation.MAX));
            StatResult absMax = r.get(StatisticSpec.perTensor(t, PerSampleStat.ABS_MAX, Aggregation.MAX));
            StatResult mean = r.get(StatisticSpec.perTensor(t, PerSampleStat.MEAN, Aggregation.MEAN));
            out.put(t, new TensorStatistics(t, min.value(0), max.value(0), absMax.value(0), mean.value(0),
                    min.samples(), min.nonFinite()));
        }
        return out;
    }

    /**
     * The model with every measured tensor that is not a graph input made a graph output, and the outputs to fetch.
     *
     * @throws ConfigException for a tensor the model does not compute (unknown, or an initializer)
     */
    static Exposed expose(OnnxModel model, Collection<StatisticSpec> specs) {
        if (specs.isEmpty()) {
            throw new ConfigException("no statistics requested; name at least one tensor");
        }
        ModelGraph graph = ModelGraph.of(model.proto());
        Set<String> inputs = graph.inputs().stream().map(i -> i.name()).collect(Collectors.toSet());
        Set<String> outputs = new TreeSet<>();
        for (StatisticSpec s : specs) {
            String t = s.tensor();
            if (inputs.contains(t)) {
                continue;
            }
            if (graph.isInitializer(t)) {
                throw new ConfigException("'" + t + "' is an initializer (a constant) of model " + model.name()
                        + ", not an activation; read its values from the model instead");
            }
            if (graph.info(t).isEmpty()) {
                throw new ConfigException("model " + model.name() + " has no tensor '" + t + "'; name a graph "
                        + "input or a node output (e.g. " + examples(graph) + ")");
            }
            outputs.add(t);
        }
        List<GraphEdit> edits = outputs.stream().<GraphEdit>map(GraphEdit.AddOutput::new).toList();
        return new Exposed(OnnxModel.of(GraphRewriter.apply(model.proto(), edits), model.name()),
                List.copyOf(outputs));
    }

    private static String examples(ModelGraph graph) {
        return graph.proto().getGraph().getNodeList().stream().limit(3).map(n -> n.getOutput(0))
                .collect(Collectors.joining(", "));
    }

    /**
     * @param model   the model with the measured tensors as outputs
     * @param outputs the outputs the statistics read (not graph inputs)
     */
    record Exposed(OnnxModel model, List<String> outputs) {
    }
}

package dev.sparkptq.pipeline;

import dev.sparkptq.calibration.RangeEstimators;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit.AddOutput;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * All statistics a plan needs, deduplicated and sorted (DESIGN convention 2: algorithms ask for statistics as
 * data; one pass collects them all).
 *
 * @param specs   every statistic, sorted
 * @param tensors every tensor the statistics read, sorted
 * @param outputs the tensors the statistics model must expose (graph inputs are read from the samples)
 */
record StatisticsRequest(List<StatisticSpec> specs, List<String> tensors, List<String> outputs) {

    static StatisticsRequest of(QuantizationPlan plan, ModelGraph graph) {
        Set<StatisticSpec> specs = new TreeSet<>();
        for (QuantizationPoint p : plan.measuredActivations()) {
            specs.addAll(RangeEstimators.requiredStatistics(p.tensor(), p.spec(), p.channelAxis()));
        }
        Set<String> tensors = new TreeSet<>();
        specs.forEach(s -> tensors.add(s.tensor()));
        Set<String> graphInputs = new TreeSet<>();
        graph.inputs().forEach(i -> graphInputs.add(i.name()));
        List<String> outputs = tensors.stream().filter(t -> !graphInputs.contains(t)).toList();
        return new StatisticsRequest(List.copyOf(specs), List.copyOf(tensors), outputs);
    }

    List<GraphEdit> exposeEdits() {
        List<GraphEdit> edits = new ArrayList<>();
        outputs.forEach(t -> edits.add(new AddOutput(t)));
        return edits;
    }
}

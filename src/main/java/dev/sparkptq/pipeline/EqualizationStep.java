package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.equalization.CrossLayerEqualization;
import dev.sparkptq.algorithms.equalization.Link;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.Equalization;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.AlignmentPair;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * DefaultQuantization's cross-layer equalization as a pipeline step: finds the links
 * ({@link Link#find}), collects their channel ranges in one statistics pass when the criterion needs them, and calls
 * the pure {@link CrossLayerEqualization#apply}. Runs before the plan, so every later step (channel alignment,
 * statistics, ranges) sees the equalized model. Pairs that ActivationChannelAlignment will align are left to it.
 */
final class EqualizationStep {
    private final StatisticsBackend backend;
    private final Consumer<String> log;

    EqualizationStep(StatisticsBackend backend, Consumer<String> log) {
        this.backend = backend;
        this.log = log;
    }

    /** The equalized model (the input itself when nothing was equalized) and what was changed. */
    record Outcome(OnnxMl.ModelProto model, List<RunReport.EqualizedPair> equalized) {
    }

    /** Equalizes when DefaultQuantization runs with {@code cross_layer_equalization} other than {@code off}. */
    Outcome runIfEnabled(PtqConfig config, QuantizationParams params, OnnxMl.ModelProto model, PassInputs in) {
        Equalization mode = params.adjustments().equalization();
        if (mode == Equalization.OFF
                || config.compression().algorithms().get(0).baseName() != AlgorithmSpec.Name.DefaultQuantization) {
            return new Outcome(model, List.of());
        }
        ModelGraph graph = ModelGraph.of(model);
        Set<String> aligned = ActivationChannelAlignment.applies(config, params)
                ? AlignmentPair.find(graph).stream().map(p -> p.consumer().name()).collect(Collectors.toSet())
                : Set.of();
        List<Link> links = Link.find(graph, aligned);
        if (links.isEmpty()) {
            return new Outcome(model, List.of());
        }
        CrossLayerEqualization.Criterion criterion = mode == Equalization.WEIGHTS
                ? CrossLayerEqualization.Criterion.WEIGHTS : CrossLayerEqualization.Criterion.ACTIVATIONS;
        log.accept("cross-layer equalization (" + mode.name().toLowerCase(java.util.Locale.ROOT) + "): "
                + links.size() + " layer pairs");
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(model, links, criterion,
                statistics(model, links, criterion, in));
        return new Outcome(r.model(), r.links().stream().map(e -> new RunReport.EqualizedPair(e.producer(),
                e.consumer(), e.channels(), e.minFactor(), e.maxFactor(), e.spreadBefore(), e.spreadAfter(),
                e.maxShift())).toList());
    }

    private Map<StatisticSpec, StatResult> statistics(OnnxMl.ModelProto model, List<Link> links,
                                                      CrossLayerEqualization.Criterion criterion, PassInputs in) {
        List<StatisticSpec> specs = CrossLayerEqualization.statistics(links, criterion);
        if (specs.isEmpty()) {
            return Map.of();
        }
        List<String> outputs = links.stream().map(Link::activation).distinct().toList();
        List<GraphEdit> expose = outputs.stream().<GraphEdit>map(GraphEdit.AddOutput::new).toList();
        StatisticsSet stats = in.collect(backend, model, expose, outputs, specs, in.calibration(), in.partitions(),
                "cle");
        stats.requireComplete();
        return stats.results();
    }
}

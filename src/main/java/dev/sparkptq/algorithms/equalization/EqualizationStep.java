package dev.sparkptq.algorithms.equalization;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.ChannelAlignment;
import dev.sparkptq.config.Equalization;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.plan.AlignmentPair;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DefaultQuantization's cross-layer equalization ({@code cross_layer_equalization}) as a step: finds the links
 * ({@link Link#find}), asks for their channel ranges when the criterion needs them, and applies the pure
 * {@link CrossLayerEqualization#apply}. Runs before the plan, so every later step (channel alignment, statistics,
 * ranges) sees the equalized model. Pairs that ActivationChannelAlignment will align are left to it.
 */
public final class EqualizationStep implements Step {
    private final StepContext context;

    public EqualizationStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "cross_layer_equalization";
    }

    @Override
    public boolean rewritesModel() {
        return true;
    }

    @Override
    public StatisticsRequest statistics(ModelState state) {
        if (!enabled()) {
            return StatisticsRequest.NONE;
        }
        List<Link> links = links(state.graph());
        return links.isEmpty() ? StatisticsRequest.NONE
                : StatisticsRequest.of(CrossLayerEqualization.statistics(links, criterion()));
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        if (!enabled()) {
            return state;
        }
        List<Link> links = links(state.graph());
        if (links.isEmpty()) {
            return state;
        }
        context.log().accept("cross-layer equalization (" + mode().name().toLowerCase(Locale.ROOT) + "): "
                + links.size() + " layer pairs");
        CrossLayerEqualization.Result r = CrossLayerEqualization.apply(state.model(), links, criterion(),
                statistics.results());
        if (r.links().isEmpty()) {
            return state;
        }
        RunReport.AdjustmentSummary a = state.section(RunReport.AdjustmentSummary.class).orElseThrow();
        return state.withModel(r.model()).withSection(a.withEqualized(r.links().stream()
                .map(e -> new RunReport.EqualizedPair(e.producer(), e.consumer(), e.channels(), e.minFactor(),
                        e.maxFactor(), e.spreadBefore(), e.spreadAfter(), e.maxShift())).toList()));
    }

    private Equalization mode() {
        return context.params().adjustments().equalization();
    }

    private boolean enabled() {
        return mode() != Equalization.OFF
                && context.config().compression().algorithms().get(0).baseName()
                == AlgorithmSpec.Name.DefaultQuantization;
    }

    private CrossLayerEqualization.Criterion criterion() {
        return mode() == Equalization.WEIGHTS ? CrossLayerEqualization.Criterion.WEIGHTS
                : CrossLayerEqualization.Criterion.ACTIVATIONS;
    }

    /** The links, without the pairs ActivationChannelAlignment will align (it runs after, on the same pairs). */
    private List<Link> links(ModelGraph graph) {
        Set<String> aligned = context.params().adjustments().channelAlignment() == ChannelAlignment.ON
                ? AlignmentPair.find(graph).stream().map(p -> p.consumer().name()).collect(Collectors.toSet())
                : Set.of();
        return Link.find(graph, aligned);
    }
}

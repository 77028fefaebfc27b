package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.stats.Histogram;
import dev.sparkptq.stats.StatResult;
import dev.sparkptq.stats.StatisticSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs a list of steps over a model state (POT's pipeline of algorithms, NNCF's {@code StepwisePipeline}). Before a
 * step whose statistics have not been collected on the current float model, one pass collects them together with
 * those of the steps after it, up to and including the next step that may rewrite the model (each asked with the
 * current state); a step that rewrote the model makes the statistics collected so far stale. Every step gets exactly
 * what it asked for, checked to have arrived. Each step that changed the state ends a phase of the run's timings
 * under its name.
 */
final class StepRunner {
    private final BiFunction<ModelState, List<StatisticsRequest>, FloatPasses.Collected> passes;
    private final Stopwatch clock;

    /** @param passes runs one statistics pass of the given requests on the state's float model */
    StepRunner(BiFunction<ModelState, List<StatisticsRequest>, FloatPasses.Collected> passes, Stopwatch clock) {
        this.passes = passes;
        this.clock = clock;
    }

    ModelState run(List<Step> steps, ModelState initial) {
        ModelState state = initial;
        Collected collected = new Collected();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            StatisticsRequest request = step.statistics(state);
            if (!collected.covers(request)) {
                FloatPasses.Collected pass = passes.apply(state, group(steps, i, request, state));
                collected.add(pass);
                for (String w : pass.warnings()) {
                    state = state.withWarning(w);
                }
            }
            ModelState next = step.apply(state, Statistics.of(request, collected.results, collected.histograms));
            if (next.model() != state.model()) {
                if (!step.rewritesModel()) {
                    throw new InternalException("step '" + step.name() + "' rewrote the float model but does not "
                            + "say so in rewritesModel(); the statistics of later steps would be stale");
                }
                collected = new Collected();
            }
            if (next != state) {
                clock.lap(step.name());
            }
            state = next;
        }
        return state;
    }

    /**
     * The requests one pass collects for step {@code first}: its own, then those of the following steps (asked with
     * the current state) up to the first step that may rewrite the float model — that step's statistics are still of
     * this model, those after it are not.
     */
    static List<StatisticsRequest> group(List<Step> steps, int first, StatisticsRequest own, ModelState state) {
        List<StatisticsRequest> group = new ArrayList<>(List.of(own));
        for (int j = first + 1; j < steps.size() && !steps.get(j - 1).rewritesModel(); j++) {
            StatisticsRequest r = steps.get(j).statistics(state);
            if (!r.isEmpty()) {
                group.add(r);
            }
        }
        return group;
    }

    /** The statistics collected on the current float model so far. */
    private static final class Collected {
        final Map<StatisticSpec, StatResult> results = new HashMap<>();
        final Map<String, Histogram> histograms = new HashMap<>();

        boolean covers(StatisticsRequest request) {
            return Statistics.covers(request, results, histograms);
        }

        void add(FloatPasses.Collected pass) {
            results.putAll(pass.results());
            histograms.putAll(pass.histograms());
        }
    }
}

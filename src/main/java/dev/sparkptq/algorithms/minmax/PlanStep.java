package dev.sparkptq.algorithms.minmax;

import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPlanner;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

/**
 * MinMax's quantizer setup: which tensors of the float model get quantizers and with which scheme
 * ({@link QuantizationPlanner}: op rules, ignored scope, presets). Graph-only.
 */
public final class PlanStep implements Step {
    private final StepContext context;

    public PlanStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        QuantizationPlan plan = QuantizationPlanner.plan(state.graph(), context.params(),
                context.config().compression());
        context.log().accept("plan: " + plan.measuredActivations().size() + " activation quantizers (+"
                + (plan.activations().size() - plan.measuredActivations().size()) + " tied) and "
                + plan.weights().size() + " weight quantizers on " + plan.quantizedNodes().size() + " ops");
        return state.withPlan(plan);
    }
}

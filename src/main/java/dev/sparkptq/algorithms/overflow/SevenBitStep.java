package dev.sparkptq.algorithms.overflow;

import dev.sparkptq.plan.SevenBitWeights;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

/**
 * The saturation (overflow) fix: the chosen layers' weight quantizers get 7-bit levels ({@link SevenBitWeights}), a
 * plan change; the layers are listed in the report's adjustments.
 */
public final class SevenBitStep implements Step {
    private final StepContext context;

    public SevenBitStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "overflow_fix";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        SevenBitWeights.Result r = SevenBitWeights.apply(state.plan(), state.graph(),
                context.params().adjustments().overflowFix());
        if (r.layers().isEmpty()) {
            return state;
        }
        RunReport.AdjustmentSummary a = state.section(RunReport.AdjustmentSummary.class).orElseThrow();
        return state.withPlan(r.plan()).withSection(a.withSevenBitWeightLayers(r.layers()));
    }
}

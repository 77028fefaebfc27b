package dev.sparkptq.algorithms.minmax;

import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.plan.QdqEdits;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

/**
 * The Q/DQ rewrite: a QuantizeLinear/DequantizeLinear pair per quantizer of the plan, with its parameters, inserted
 * into the model to quantize (the float model, or its tuned copy), which also gets the run's provenance.
 */
public final class QdqStep implements Step {
    private final StepContext context;

    public QdqStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        return state.withQuantized(GraphRewriter.apply(state.toQuantize(), QdqEdits.of(state.plan(),
                state.parameters(), context.params().weightStorage(), context.provenance())));
    }
}

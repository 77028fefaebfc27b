package dev.sparkptq.algorithms.kernelchoice;

import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.QuantizedEdits;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;

import java.util.List;

/**
 * Applies what {@link KernelChoiceStep} decided to the quantized model: MatMul/Gemm ops chosen dynamic become
 * DynamicQuantizeLinear + MatMulInteger + scale Mul (those chosen float keep their float weight, as the plan left
 * them), and embedding tables become int8 with a DequantizeLinear after the Gather. Runs right after the Q/DQ
 * rewrite, so that bias correction and the integer-kernel report see the model as written.
 */
public final class KernelRewriteStep implements Step {
    @Override
    public String name() {
        return "kernel_rewrite";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        return state.section(KernelChoiceStep.Pending.class)
                .map(p -> state.withQuantized(GraphRewriter.apply(state.quantized(), p.edits()))
                        .withSection(p.summary())
                        .withSection(state.section(QuantizedEdits.class).orElse(new QuantizedEdits(List.of()))
                                .plus(p.edits())))
                .orElse(state);
    }
}

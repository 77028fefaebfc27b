package dev.sparkptq.algorithms.kernels;

import dev.sparkptq.placement.IntegerKernelShare;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Passes;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.Locale;

/**
 * The report's integer-kernel share: which share of the quantized model's MACs ONNX Runtime runs in integer kernels
 * ({@link IntegerKernelShare}), measured on the first calibration sample. Report only: a failure becomes a warning,
 * never a failed run.
 */
public final class IntegerKernels implements Step {
    private final StepContext context;

    public IntegerKernels(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "kernels";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        Passes passes = context.passes();
        if (passes.calibration().isEmpty()) {
            return state;
        }
        try {
            RunReport.IntegerKernelSummary k = IntegerKernelShare.measure(state.quantized(),
                    passes.source().load(passes.calibration().get(0)), passes);
            context.log().accept(String.format(Locale.ROOT, "integer kernels: %.1f %% of %,d MACs (%d of %d ops)",
                    100 * k.integerShare(), k.totalMacs(), k.integerMacOps(), k.macOps()));
            return state.withSection(k);
        } catch (RuntimeException e) {
            return state.withWarning("the integer-kernel share was not measured: " + e.getMessage());
        }
    }
}

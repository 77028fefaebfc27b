package dev.sparkptq.algorithms.biascorrection;

import dev.sparkptq.config.BiasCorrectionSpec;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.InitializerValues;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.StatisticsRequest;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DefaultQuantization's last step, POT's bias correction of the quantized model: {@link FastBiasCorrection} (the
 * default: closed form, from FP32 means collected in the same pass as the ranges) or {@link FullBiasCorrection}
 * ({@code use_fast_bias: false}: passes of its own over the quantized model). The corrected biases replace the
 * quantized model's values and are kept as corrections, which a candidate that reverts their node does not take.
 */
public final class BiasCorrection implements Step {
    private final StepContext context;

    public BiasCorrection(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "bias_correction";
    }

    /** The fast correction's FP32 means of every target's input and output (with the ranges, in one pass). */
    @Override
    public StatisticsRequest statistics(ModelState state) {
        if (context.params().biasCorrection().mode() != BiasCorrectionSpec.Mode.FAST || !state.hasPlan()) {
            return StatisticsRequest.NONE;
        }
        return StatisticsRequest.of(BiasTarget.requiredStatistics(BiasTarget.of(state.plan(), state.graph()),
                state.graph()));
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        BiasCorrectionSpec spec = context.params().biasCorrection();
        if (!spec.enabled()) {
            return state;
        }
        List<BiasTarget> targets = BiasTarget.of(state.plan(), state.graph());
        FastBiasCorrection.Outcome out;
        if (spec.mode() == BiasCorrectionSpec.Mode.FULL) {
            out = new FullBiasCorrection(context.passes(), context.log()).run(targets, state.toQuantizeGraph(),
                    state.model(), state.quantized(), spec);
        } else {
            out = FastBiasCorrection.run(targets, state.toQuantizeGraph(), state.plan(), state.parameters(),
                    statistics.results(), spec);
            context.log().accept("fast bias correction: " + out.summary().corrected().size() + " of "
                    + targets.size() + " biases corrected");
        }
        return state.withQuantized(InitializerValues.replace(state.quantized(), out.biases()),
                corrections(out.biases(), out.summary())).withSection(out.summary());
    }

    /** Each corrected bias with the node it belongs to. */
    private static List<ModelState.Correction> corrections(Map<String, Tensor> biases,
                                                           RunReport.BiasCorrectionSummary summary) {
        List<ModelState.Correction> out = new ArrayList<>();
        for (RunReport.BiasEntry e : summary.corrected()) {
            out.add(new ModelState.Correction(e.node(), e.bias(), biases.get(e.bias())));
        }
        return out;
    }
}

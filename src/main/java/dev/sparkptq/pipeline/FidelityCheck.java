package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.placement.FidelityProbe;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.step.ModelState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The label-free check every run that writes a quantized model gets: the model written and the prepared FP32 model
 * (an exact rewrite of the given one) run side by side in the driver on a few calibration samples, every output
 * compared (mean cosine, pooled SQNR). A user of quick mode learns at once when an output lost most of its signal
 * — a line on the console, a {@code fidelity} section in report.json and, below {@link
 * RunReport.FidelitySummary#COSINE_FLOOR} or {@link RunReport.FidelitySummary#SQNR_FLOOR_DB}, a warning naming the
 * output and what to try. It measures, it changes nothing.
 */
final class FidelityCheck {
    /** Calibration samples compared (a handful: this is a check, {@code --evaluate} is the measurement). */
    static final int SAMPLES = 8;

    private FidelityCheck() {
    }

    /**
     * {@code state} with its fidelity section (and warning), or unchanged when it holds no quantized model or no
     * sample gave finite FP32 outputs.
     */
    static ModelState run(EngineFactory engines, Consumer<String> log, ModelState state,
                          QuantizationPipeline.Samples samples, Path workDir) {
        if (!state.isQuantized() || !hasQuantizedOps(state.quantized()) || samples.selected().isEmpty()) {
            return state;
        }
        List<Map<String, Tensor>> inputs = samples.inputs(SAMPLES);
        FidelityAccumulator acc = compare(engines, state.reference(), state.quantized(), inputs, workDir);
        if (acc.count() == 0) {
            return state;
        }
        RunReport.FidelitySummary summary = summary(acc, (int) acc.count())
                .withBlocks(state.section(RunReport.BlockPlacement.class).orElse(null));
        log.accept(line(summary));
        ModelState out = state.withSection(summary);
        return summary.warning() == null ? out : out.withWarning(summary.warning());
    }

    static FidelityAccumulator compare(EngineFactory engines, OnnxMl.ModelProto fp32, OnnxMl.ModelProto quantized,
                                       List<Map<String, Tensor>> inputs, Path workDir) {
        // NaN/Inf in FP32's own outputs (bad samples, warned elsewhere): those inputs give no figure
        return new FidelityProbe(engines, (model, name) -> Blobs.of(model, workDir.resolve(name)), fp32, inputs)
                .compare(quantized, FidelityAccumulator.Fidelity.COSINE);
    }

    /**
     * Whether the model holds quantized arithmetic: static Q/DQ or dynamic int8 kernels (a plan with no static point
     * may still have every MatMul dynamic); the speed guard's FP32 fallback holds none.
     */
    static boolean hasQuantizedOps(OnnxMl.ModelProto model) {
        return model.getGraph().getNodeList().stream().anyMatch(n -> switch (n.getOpType()) {
            case "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger" -> true;
            default -> false;
        });
    }

    static RunReport.FidelitySummary summary(FidelityAccumulator acc, int samples) {
        List<RunReport.OutputFidelity> outputs = new ArrayList<>();
        double minSqnr = Double.POSITIVE_INFINITY;
        for (FidelityAccumulator.OutputScore s : acc.scores()) {
            outputs.add(new RunReport.OutputFidelity(s.output(), round(s.cosine()), finite(s.sqnrDb())));
            minSqnr = Math.min(minSqnr, s.sqnrDb());
        }
        FidelityAccumulator.OutputScore worst = acc.worst();
        String warning = null;
        List<String> low = new ArrayList<>();
        for (FidelityAccumulator.OutputScore s : acc.scores()) {
            if (s.cosine() < RunReport.FidelitySummary.COSINE_FLOOR
                    || s.sqnrDb() < RunReport.FidelitySummary.SQNR_FLOOR_DB) {
                low.add(String.format(Locale.ROOT, "'%s' (cosine %.4f, %.1f dB)", s.output(), s.cosine(),
                        s.sqnrDb()));
            }
        }
        if (!low.isEmpty()) {
            warning = String.format(Locale.ROOT, "output%s %s of the quantized model %s far from FP32 on %d "
                    + "calibration samples (below cosine %.2f or %.0f dB SQNR): measure it on held-out data "
                    + "(--evaluate) and, if it matters, use -q accuracy_aware --max-drop X (reverts the layers that "
                    + "cost most) or use_layerwise_tuning", low.size() == 1 ? "" : "s", String.join(", ", low),
                    low.size() == 1 ? "is" : "are", samples, RunReport.FidelitySummary.COSINE_FLOOR,
                    RunReport.FidelitySummary.SQNR_FLOOR_DB);
        }
        return new RunReport.FidelitySummary(samples, outputs, worst == null ? null : worst.output(),
                worst == null ? 1.0 : round(worst.cosine()), finite(minSqnr), warning);
    }

    static String line(RunReport.FidelitySummary s) {
        return String.format(Locale.ROOT, "fidelity to FP32 on %d calibration samples: worst output '%s' cosine "
                + "%.4f, lowest SQNR %s over %d output%s", s.samples(), s.worstOutput(), s.worstCosine(),
                s.minSqnrDb() == null ? "∞ (identical)" : String.format(Locale.ROOT, "%.1f dB", s.minSqnrDb()),
                s.outputs().size(), s.outputs().size() == 1 ? "" : "s");
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** SQNR in dB to two decimals; null when the outputs are identical (no noise: infinite SQNR). */
    private static Double finite(double db) {
        return Double.isFinite(db) ? Math.round(db * 100) / 100.0 : null;
    }
}

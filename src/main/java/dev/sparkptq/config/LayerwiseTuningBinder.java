package dev.sparkptq.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds POT's layer-wise tuning keys, which sit directly in DefaultQuantization's {@code params}:
 * {@code use_layerwise_tuning}, {@code num_samples_for_tuning}, {@code random_seed}, and POT's gradient-descent knobs.
 * The knobs are accepted (a POT config keeps working) and named in a run warning, because the closed-form solver has
 * nothing they could steer; rejecting them would make users delete keys that are harmless here.
 */
final class LayerwiseTuningBinder {
    static final List<String> OWN_KEYS = List.of("use_layerwise_tuning", "num_samples_for_tuning", "random_seed",
            "use_only_fp_inputs");

    /** Every key this binder reads, for {@link ParamsBinder#KEYS}. */
    static final List<String> KEYS;

    static {
        List<String> all = new ArrayList<>(OWN_KEYS);
        all.addAll(LayerwiseTuningSpec.GRADIENT_KNOBS);
        KEYS = List.copyOf(all);
    }

    private static final String IGNORED = "POT's gradient-descent knob: accepted for compatibility; the closed-form "
            + "solver ignores it (a run warning names it)";

    private LayerwiseTuningBinder() {
    }

    /** Adds this binder's keys to the params section's documentation. */
    static void document(ConfigKeys.Section params) {
        params.key("use_layerwise_tuning", "boolean", "false", "(DefaultQuantization) POT's layer-wise tuning, "
                        + "closed form: one extra pass per dependency level pairs each Conv/MatMul/Gemm layer's FP32 "
                        + "input with its input in the quantized model tuned so far; weight levels are then rounded "
                        + "with error feedback (GPTQ-style, damping 0.01·mean diag) and each channel's scale refitted "
                        + "by least squares, never worse than nearest rounding in the layer's output MSE; layers "
                        + "wider than 2048 inputs per group are skipped")
                .key("num_samples_for_tuning", "integer ≥ 1", Integer.toString(
                        LayerwiseTuningSpec.DEFAULT_NUM_SAMPLES), "(use_layerwise_tuning) calibration samples each "
                        + "tuning pass reads at most (the first ones of the calibration subset)")
                .key("random_seed", "integer ≥ 0", "0", "(use_layerwise_tuning) seed of the Conv patch positions and "
                        + "MatMul rows counted per sample")
                .key("use_only_fp_inputs", "boolean", "true", "(use_layerwise_tuning) POT's knob: true tunes every "
                        + "layer on its FP32 inputs (one pass for all layers); false on its inputs in the quantized "
                        + "model with the layers before it tuned (one pass per dependency level: SqueezeNet 18, "
                        + "about 4× slower, and lower top-1 agreement with FP32 in our measurement)");
        for (String knob : LayerwiseTuningSpec.GRADIENT_KNOBS) {
            params.key(knob, "any", "—", IGNORED);
        }
    }

    static LayerwiseTuningSpec bind(ObjectView p) {
        boolean on = p.bool("use_layerwise_tuning").orElse(false);
        int samples = p.intValue("num_samples_for_tuning", 1, Integer.MAX_VALUE)
                .orElse(LayerwiseTuningSpec.DEFAULT_NUM_SAMPLES);
        long seed = p.integer("random_seed", 0, Long.MAX_VALUE).orElse(0L);
        boolean fp32 = p.bool("use_only_fp_inputs").orElse(true);
        List<String> given = LayerwiseTuningSpec.GRADIENT_KNOBS.stream().filter(p::has).toList();
        return new LayerwiseTuningSpec(on ? LayerwiseTuningSpec.Mode.ON : LayerwiseTuningSpec.Mode.OFF, samples, seed,
                fp32 ? LayerwiseTuningSpec.Inputs.FP32 : LayerwiseTuningSpec.Inputs.QUANTIZED, given);
    }
}

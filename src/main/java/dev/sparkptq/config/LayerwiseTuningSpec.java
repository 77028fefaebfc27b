package dev.sparkptq.config;

import java.io.Serializable;
import java.util.List;

/**
 * POT's {@code use_layerwise_tuning} (QuantizeModelFinetuning) as spark-ptq does it: after MinMax, each quantized
 * Conv/MatMul/Gemm weight's integer levels (and its per-channel scales) are chosen to minimise the layer's output MSE
 * against FP32 given its inputs in the quantized model — in closed form from input second moments (error-feedback
 * rounding, then a least-squares scale refit), level by level, not by POT's gradient descent.
 *
 * @param mode         on or off ({@code use_layerwise_tuning}, default off as in POT)
 * @param numSamples   POT's {@code num_samples_for_tuning}: at most this many calibration samples feed each pass
 *                     (POT's default 5000, i.e. in practice every calibration sample)
 * @param randomSeed   POT's {@code random_seed}: seeds which Conv patch positions / MatMul rows of a sample are
 *                     counted (a sample's draw depends only on this seed, the sample id and the layer, never on the
 *                     partitioning)
 * @param inputs       POT's {@code use_only_fp_inputs}: which layer inputs the error is measured on
 * @param ignoredKnobs POT's gradient-descent parameters the config gave (optimizer, loss, …): accepted for
 *                     compatibility, reported as a warning, without effect on the closed-form solver
 */
public record LayerwiseTuningSpec(Mode mode, int numSamples, long randomSeed, Inputs inputs,
                                  List<String> ignoredKnobs) implements Serializable {
    /** POT's QuantizeModelFinetuning default of {@code num_samples_for_tuning}. */
    public static final int DEFAULT_NUM_SAMPLES = 5000;

    /** POT's gradient-descent knobs, which the closed-form solver has no use for. */
    public static final List<String> GRADIENT_KNOBS = List.of("batch_size", "optimizer", "loss", "tuning_iterations",
            "use_ranking_subset", "calibration_indices_pool", "calculate_grads_on_loss_increase_only",
            "weight_decay");

    public enum Mode { OFF, ON }

    /**
     * The inputs a layer's output error is measured on. FP32 ({@code use_only_fp_inputs: true}, the default): the
     * FP32 inputs — one pass for all layers. QUANTIZED ({@code false}, POT's QuantizeModelFinetuning setting): the
     * layer's input in the quantized model with the layers before it already tuned — one pass per dependency level.
     * FP32 is the default by measurement: on SqueezeNet INT8 it kept top-1 agreement with FP32 higher (0.960 vs
     * 0.937 on 300 images) at a quarter of the time.
     */
    public enum Inputs { FP32, QUANTIZED }

    public LayerwiseTuningSpec {
        if (numSamples < 1) {
            throw new IllegalArgumentException("num_samples_for_tuning must be >= 1, got " + numSamples);
        }
        ignoredKnobs = List.copyOf(ignoredKnobs);
    }

    /** Tuning off (POT's default). */
    public static LayerwiseTuningSpec off() {
        return new LayerwiseTuningSpec(Mode.OFF, DEFAULT_NUM_SAMPLES, 0, Inputs.FP32, List.of());
    }

    public boolean enabled() {
        return mode == Mode.ON;
    }
}

package dev.sparkptq.config;

import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.QuantizationParams.Preset;
import dev.sparkptq.config.QuantizationParams.WeightStorage;
import dev.sparkptq.config.RangeEstimatorDefaults.TensorRole;
import dev.sparkptq.core.QuantScheme;

import java.util.Optional;

/**
 * Binds the {@code params} of a DefaultQuantization / MinMaxQuantization entry. The preset decides the modes
 * (performance: symmetric weights and activations; mixed: symmetric weights, asymmetric activations); POT's preset
 * aliases are accepted; transformers default to mixed, as NNCF does. {@code compress_weights} from the command line
 * wins over the config.
 */
final class ParamsBinder {
    static final KeySpec KEYS = KeySpec.of("preset", "stat_subset_size", "stat_batch_size", "shuffle_data", "seed",
                    "ignored", "compress_weights", "weights", "activations", "use_fast_bias", "threshold",
                    "apply_for_all_nodes", SmoothQuantBinder.KEY, "activation_matmuls")
            .explain("POT option not supported yet (layer-wise fine-tuning is not implemented)",
                    "use_layerwise_tuning")
            .explain("AccuracyAwareQuantization parameter (that algorithm is not available yet)", "maximal_drop",
                    "drop_type", "ranking_subset_size", "max_iter_num", "use_prev_if_drop_increase",
                    "base_algorithm", "metric_subset_ratio", "metrics", "annotation_free",
                    "annotation_conf_threshold", "convert_to_mixed_preset", "tune_hyperparams")
            .explain("belongs in the compression section, not in params", "target_device", "model_type")
            .explain("NNCF's deprecated single alpha; use smooth_quant_alphas: {\"matmul\": 0.95}",
                    "smooth_quant_alpha");

    private static final Choices<Preset> PRESETS = Choices.<Preset>builder()
            .value("performance", Preset.PERFORMANCE).value("mixed", Preset.MIXED)
            .alias("accuracy", Preset.MIXED).alias("symmetric", Preset.PERFORMANCE).alias("asymmetric", Preset.MIXED)
            .build();

    private static final Choices<QuantizationParams.ActivationMatMuls> ACTIVATION_MATMULS =
            Choices.<QuantizationParams.ActivationMatMuls>builder()
                    .value("quantized", QuantizationParams.ActivationMatMuls.QUANTIZED)
                    .value("float", QuantizationParams.ActivationMatMuls.FLOAT).build();

    private ParamsBinder() {
    }

    /** Binds {@code algorithm.params} (absent = every default). */
    static QuantizationParams bind(ObjectView algorithm, ModelType modelType, ConfigOverrides overrides) {
        ObjectView p = algorithm.section("params", KEYS);
        Preset preset = p.choice("preset", PRESETS)
                .orElse(modelType == ModelType.TRANSFORMER ? Preset.MIXED : Preset.PERFORMANCE);
        Integer statSubsetSize = p.intValue("stat_subset_size", 1, Integer.MAX_VALUE).orElse(null);
        int statBatchSize = p.intValue("stat_batch_size", 1, Integer.MAX_VALUE).orElse(1);
        if (statSubsetSize != null && statBatchSize > statSubsetSize) {
            p.problem("stat_batch_size", "stat_batch_size (" + statBatchSize + ") is larger than stat_subset_size ("
                    + statSubsetSize + ")");
        }
        boolean shuffle = p.bool("shuffle_data").orElse(false);
        long seed = p.integer("seed", 0, Long.MAX_VALUE).orElse(0L);
        IgnoredSpec ignored = IgnoredBinder.bind(p);
        Optional<Boolean> compress = p.bool("compress_weights");
        boolean compressWeights = overrides.compressWeights() != null ? overrides.compressWeights()
                : compress.orElse(true);
        QuantScheme activationMode = preset == Preset.PERFORMANCE ? QuantScheme.SYMMETRIC : QuantScheme.ASYMMETRIC;
        TensorQuantSpec weights = TensorSchemeBinder.bind(p, "weights", TensorRole.WEIGHTS, QuantScheme.SYMMETRIC);
        TensorQuantSpec activations = TensorSchemeBinder.bind(p, "activations", TensorRole.ACTIVATIONS,
                activationMode);
        return new QuantizationParams(preset, statSubsetSize, statBatchSize, shuffle, seed, ignored, weights,
                activations, compressWeights ? WeightStorage.COMPRESSED : WeightStorage.UNCOMPRESSED,
                biasCorrection(p), SmoothQuantBinder.bind(p, modelType),
                p.choice("activation_matmuls", ACTIVATION_MATMULS).orElse(modelType == ModelType.TRANSFORMER
                        ? QuantizationParams.ActivationMatMuls.FLOAT : QuantizationParams.ActivationMatMuls.QUANTIZED));
    }

    /**
     * {@code use_fast_bias} (default true), {@code threshold} (default 2.0, must be positive) and
     * {@code apply_for_all_nodes} (default false). {@code use_fast_bias: false} selects POT's full BiasCorrection,
     * which is not implemented: no bias is corrected (the pipeline warns).
     */
    private static BiasCorrectionSpec biasCorrection(ObjectView p) {
        boolean fast = p.bool("use_fast_bias").orElse(true);
        double threshold = p.number("threshold").orElse(BiasCorrectionSpec.DEFAULT_THRESHOLD);
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            p.problem("threshold", "must be a positive finite number (POT's default is 2.0), got " + threshold);
            threshold = BiasCorrectionSpec.DEFAULT_THRESHOLD;
        }
        boolean all = p.bool("apply_for_all_nodes").orElse(false);
        return new BiasCorrectionSpec(fast ? BiasCorrectionSpec.Mode.FAST : BiasCorrectionSpec.Mode.NONE, threshold,
                all);
    }
}

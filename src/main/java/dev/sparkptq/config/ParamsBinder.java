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
                    "ignored", "compress_weights", "weights", "activations")
            .explain("POT option not supported yet (bias correction and fine-tuning are not implemented)",
                    "use_fast_bias", "use_layerwise_tuning", "threshold", "apply_for_all_nodes")
            .explain("AccuracyAwareQuantization parameter (that algorithm is not available yet)", "maximal_drop",
                    "drop_type", "ranking_subset_size", "max_iter_num", "use_prev_if_drop_increase",
                    "base_algorithm", "metric_subset_ratio", "metrics", "annotation_free",
                    "annotation_conf_threshold", "convert_to_mixed_preset", "tune_hyperparams")
            .explain("belongs in the compression section, not in params", "target_device", "model_type");

    private static final Choices<Preset> PRESETS = Choices.<Preset>builder()
            .value("performance", Preset.PERFORMANCE).value("mixed", Preset.MIXED)
            .alias("accuracy", Preset.MIXED).alias("symmetric", Preset.PERFORMANCE).alias("asymmetric", Preset.MIXED)
            .build();

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
                activations, compressWeights ? WeightStorage.COMPRESSED : WeightStorage.UNCOMPRESSED);
    }
}

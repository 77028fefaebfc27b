package dev.sparkptq.config;

import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
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
    static final KeySpec KEYS = KeySpec.of(withLayerwiseTuning("preset", "stat_subset_size", "stat_batch_size",
                    "shuffle_data", "seed",
                    "ignored", "compress_weights", "weights", "activations", "use_fast_bias", "threshold",
                    "apply_for_all_nodes", "saturation_fix", "overflow_fix", "activation_channel_alignment",
                    "activation_gates", SmoothQuantBinder.KEY, "activation_matmuls", "matmul_kernels", "cross_layer_equalization",
                    "embedding_tables", "parameter_vectors"))
            .explain("AccuracyAwareQuantization parameter (name the algorithm AccuracyAwareQuantization to use it)", "maximal_drop",
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

    private static final Choices<OverflowFix> OVERFLOW_FIXES = Choices.<OverflowFix>builder()
            .value("first_layer_only", OverflowFix.FIRST_LAYER_ONLY).value("enable", OverflowFix.ENABLE)
            .value("disable", OverflowFix.DISABLE).alias("first_layer", OverflowFix.FIRST_LAYER_ONLY)
            .alias("all", OverflowFix.ENABLE).alias("no", OverflowFix.DISABLE)
            .build();

    private static final Choices<Equalization> EQUALIZATIONS = Choices.<Equalization>builder()
            .value("activations", Equalization.ACTIVATIONS).value("weights", Equalization.WEIGHTS)
            .value("off", Equalization.OFF).build();

    private static final Choices<ActivationGates> GATES = Choices.<ActivationGates>builder()
            .value("float", ActivationGates.FLOAT).value("input", ActivationGates.INPUT)
            .value("integer", ActivationGates.INTEGER).build();

    private static final Choices<QuantizationParams.ActivationMatMuls> ACTIVATION_MATMULS =
            Choices.<QuantizationParams.ActivationMatMuls>builder()
                    .value("quantized", QuantizationParams.ActivationMatMuls.QUANTIZED)
                    .value("float", QuantizationParams.ActivationMatMuls.FLOAT).build();

    private static final Choices<KernelSpec.MatMulKernels> MATMUL_KERNELS =
            Choices.<KernelSpec.MatMulKernels>builder().value("auto", KernelSpec.MatMulKernels.AUTO)
                    .value("static", KernelSpec.MatMulKernels.STATIC)
                    .value("dynamic", KernelSpec.MatMulKernels.DYNAMIC).build();

    private static final Choices<KernelSpec.EmbeddingTables> EMBEDDING_TABLES =
            Choices.<KernelSpec.EmbeddingTables>builder().value("int8", KernelSpec.EmbeddingTables.INT8)
                    .value("float", KernelSpec.EmbeddingTables.FLOAT).build();

    private static final Choices<KernelSpec.ParameterVectors> PARAMETER_VECTORS =
            Choices.<KernelSpec.ParameterVectors>builder().value("float16", KernelSpec.ParameterVectors.FLOAT16)
                    .value("float32", KernelSpec.ParameterVectors.FLOAT32).build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("compression.algorithms[].params", KEYS)
            .key("preset", PRESETS, "`performance` (`mixed` for transformers)", "`performance`: symmetric weights "
                    + "and activations; `mixed`: asymmetric activations (POT's `accuracy`, `symmetric`, "
                    + "`asymmetric` are aliases)")
            .key("stat_subset_size", "integer ≥ 1", "all samples", "calibration samples to use")
            .key("stat_batch_size", "integer ≥ 1", "1", "samples per inference (same-shape samples are stacked)")
            .key("shuffle_data", "boolean", "false", "draw the subset at random (seeded) instead of the first ones")
            .key("seed", "integer ≥ 0", "0", "seed of the subset draw")
            .key("ignored", "object", "none", "nodes and op types left in float")
            .key("compress_weights", "boolean", "true (`--keep-uncompressed-weights` sets false)", "int8 weight "
                    + "initializers feeding DequantizeLinear; false keeps FP32 weights behind a Q/DQ pair")
            .key("weights", "object", "8 bits, symmetric, per channel", "weight quantization scheme")
            .key("activations", "object", "8 bits, per tensor, mode from the preset", "activation quantization "
                    + "scheme")
            .key("use_fast_bias", "boolean", "true", "(DefaultQuantization) true: FastBiasCorrection from the "
                    + "calibration statistics; false: POT's full BiasCorrection (per-layer FP32 vs quantized output "
                    + "means on 0.2·n samples, one distributed pass per bias depth; much slower)")
            .key("threshold", "number > 0", Double.toString(BiasCorrectionSpec.DEFAULT_THRESHOLD),
                    "(DefaultQuantization) a bias is corrected only when its largest relative shift "
                    + "`max |shift / bias|` is below this (default 1000 with `use_fast_bias: false`)")
            .key("apply_for_all_nodes", "boolean", "false", "(DefaultQuantization) correct every bias regardless "
                    + "of `threshold`")
            .key("saturation_fix", OVERFLOW_FIXES, "`first_layer_only`", "POT/NNCF overflow fix for CPUs without "
                    + "VNNI: 7-bit weight levels (still stored as int8) on the first weighted layers "
                    + "(`first_layer_only`), on all (`enable`) or none (`disable`)")
            .key("overflow_fix", OVERFLOW_FIXES, "`first_layer_only`", "NNCF's name for `saturation_fix` (give one "
                    + "of the two)")
            .key("activation_gates", GATES, "`integer`", "SiLU/Swish `x·σ(x)` after a Conv: `integer` quantizes "
                    + "`x` and `σ(x)` so ONNX Runtime runs Conv → Sigmoid → Mul as QLinearConv → QLinearSigmoid → "
                    + "QLinearMul (fast); `input` quantizes only `x` (the Conv fuses, the activation runs in float); "
                    + "`float` is NNCF's pattern (a float Conv, slower than FP32); trade-off in BENCHMARKS.md")
            .key(SmoothQuantBinder.KEY, "object {matmul, convolution}", "`{\"matmul\": 0.95, \"convolution\": -1}` "
                    + "with `model_type: transformer`, else off", "NNCF's SmoothQuant before MinMax: for each "
                    + "MatMul/Gemm with a constant weight, input channel j is divided by s_j = max|X_j|^α / "
                    + "max|W_j|^(1−α) (one extra per-channel abs-max pass) and weight row j multiplied by it, so FP32 "
                    + "outputs do not change while activation outliers move into the per-channel weights; MatMuls "
                    + "reading one activation share s; 1/s is folded exactly into constants upstream when only they "
                    + "read it (a Mul by a constant other than GELU's 0.5, LayerNorm's scale and bias, or for "
                    + "attention's output projection the value projection's weight columns and bias), else a Mul is "
                    + "inserted; a negative alpha switches an op type off (convolution: only -1)")
            .key("activation_matmuls", ACTIVATION_MATMULS, "`float` with `model_type: transformer`, else "
                    + "`quantized`", "MatMuls of two activations (attention's Q·Kᵀ and softmax·V): `quantized` puts "
                    + "Q/DQ on both inputs (NNCF); `float` leaves them unquantized (on all-MiniLM-L6-v2 more accurate "
                    + "and faster in ONNX Runtime, BENCHMARKS.md)")
            .key("matmul_kernels", MATMUL_KERNELS, "`auto` with `model_type: transformer`, else `static`",
                    "MatMul/Gemm with a constant weight: `static` keeps the plan's Q/DQ (ranges from calibration; "
                    + "ONNX Runtime runs MatMulIntegerToFloat); `dynamic` quantizes the input at run time in "
                    + "standard ops (DynamicQuantizeLinear + MatMulInteger + scale Mul, which ONNX Runtime fuses "
                    + "into DynamicQuantizeMatMul with the bias inside); `auto` times static, dynamic and float for "
                    + "each group of ops reading one activation on up to 16 calibration samples (one thread) and "
                    + "takes the fastest, dynamic only when its worst output SQNR is within 1 dB of static's, float "
                    + "only when faster than both; report.json `kernel_choice` lists every op's kernel, figures and "
                    + "reason")
            .key("embedding_tables", EMBEDDING_TABLES, "`int8`", "Gather on a constant float table of rank 2 "
                    + "(word/position/token-type embeddings) read by nothing else: `int8` stores it symmetric with "
                    + "one scale per tensor, per column or per row (token), the layout cheapest at run time whose "
                    + "table SQNR is within 0.5 dB of the best, and dequantizes only the gathered rows (a quarter of "
                    + "the FP32 size); `float` keeps it")
            .key("parameter_vectors", PARAMETER_VECTORS, "`float16` with `model_type: transformer`, else `float32`",
                    "float initializers of at least 16 values read only by elementwise Mul/Add/Sub/Div or as a "
                    + "Gather table (weight scales of dynamic kernels, SmoothQuant factors, biases, LayerNorm "
                    + "parameters, per-row table scales), finite and at most 65504 in magnitude: `float16` "
                    + "stores them as FLOAT16 behind a Cast, which ONNX Runtime folds when it loads the model (same "
                    + "graph and speed; rounding at most 2^-11 relative, ~1/20 of an int8 step); `float32` keeps "
                    + "them")
            .key("activation_channel_alignment", "boolean", "true", "(DefaultQuantization) POT's "
                    + "ActivationChannelAlignment before MinMax: Conv→Conv pairs with no padding, stride/dilation 1 "
                    + "get per-channel activation ranges shifted/scaled into the next layer (exact in FP32)")
            .key("cross_layer_equalization", EQUALIZATIONS, "`activations`", "(DefaultQuantization) cross-layer "
                    + "equalization before MinMax (Nagel et al. 2019): each Conv whose output reaches one Conv/"
                    + "ConvTranspose through positively homogeneous per-channel ops only (Relu, LeakyRelu, PRelu, "
                    + "MaxPool, AveragePool, Resize, zero Pad, Clip without an upper bound; not ReLU6, HardSwish or a "
                    + "residual Add) has output channel c divided by s_c and the consumer's input channel c multiplied "
                    + "by it, exact in FP32; `activations`: s from per-channel activation ranges (one extra "
                    + "statistics pass; into a depthwise Conv the activation is evened out, into a dense Conv it meets "
                    + "the consumer's weight columns half way; a pair with nothing between and no consumer padding is "
                    + "also re-centred through the biases); `weights`: data-free, s_c = sqrt(r1_c / r2_c) from the "
                    + "weight ranges; `off`. Pairs that `activation_channel_alignment` aligns are left to it");

    static {
        LayerwiseTuningBinder.document(DOCS);
    }

    private ParamsBinder() {
    }

    /** {@code keys} followed by the layer-wise tuning keys (bound by {@link LayerwiseTuningBinder}). */
    private static String[] withLayerwiseTuning(String... keys) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(keys));
        all.addAll(LayerwiseTuningBinder.KEYS);
        return all.toArray(new String[0]);
    }


    /** Binds {@code algorithm.params} (absent = every default). */
    static QuantizationParams bind(ObjectView algorithm, ModelType modelType, ConfigOverrides overrides) {
        return bind(algorithm, modelType, overrides, KEYS);
    }

    /** As above, with the keys {@code params} may hold (AccuracyAwareQuantization adds its own). */
    static QuantizationParams bind(ObjectView algorithm, ModelType modelType, ConfigOverrides overrides,
                                   KeySpec keys) {
        ObjectView p = algorithm.section("params", keys);
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
                biasCorrection(p), adjustments(p), p.choice("activation_gates", GATES).orElse(ActivationGates.DEFAULT),
                SmoothQuantBinder.bind(p, modelType),
                p.choice("activation_matmuls", ACTIVATION_MATMULS).orElse(modelType == ModelType.TRANSFORMER
                        ? QuantizationParams.ActivationMatMuls.FLOAT : QuantizationParams.ActivationMatMuls.QUANTIZED),
                LayerwiseTuningBinder.bind(p), kernels(p, modelType));
    }

    /**
     * {@code matmul_kernels} (default auto for transformers, else static), {@code embedding_tables} and
     * {@code parameter_vectors} (default float16 for transformers, else float32).
     */
    private static KernelSpec kernels(ObjectView p, ModelType modelType) {
        KernelSpec dflt = modelType == ModelType.TRANSFORMER ? KernelSpec.TRANSFORMER : KernelSpec.DEFAULT;
        return new KernelSpec(p.choice("matmul_kernels", MATMUL_KERNELS).orElse(dflt.matmulKernels()),
                p.choice("embedding_tables", EMBEDDING_TABLES).orElse(dflt.embeddingTables()),
                p.choice("parameter_vectors", PARAMETER_VECTORS).orElse(dflt.parameterVectors()));
    }

    /**
     * {@code saturation_fix} (POT's key; NNCF's {@code overflow_fix} is accepted too, not both): NNCF's values
     * {@code first_layer_only} (default), {@code enable}, {@code disable}, or POT's {@code first_layer}, {@code all},
     * {@code no}. {@code activation_channel_alignment} (default true, as POT's DefaultQuantization).
     */
    private static ModelAdjustmentSpec adjustments(ObjectView p) {
        if (p.has("saturation_fix") && p.has("overflow_fix")) {
            p.problem("overflow_fix", "give saturation_fix (POT) or overflow_fix (NNCF), not both");
        }
        String key = p.has("overflow_fix") ? "overflow_fix" : "saturation_fix";
        OverflowFix fix = p.choice(key, OVERFLOW_FIXES).orElse(OverflowFix.FIRST_LAYER_ONLY);
        boolean align = p.bool("activation_channel_alignment").orElse(true);
        return new ModelAdjustmentSpec(fix, align ? ChannelAlignment.ON : ChannelAlignment.OFF,
                p.choice("cross_layer_equalization", EQUALIZATIONS).orElse(ModelAdjustmentSpec.DEFAULT_EQUALIZATION));
    }

    /**
     * {@code use_fast_bias} (default true), {@code threshold} (default 2.0 for the fast and 1000 for the full
     * correction, must be positive) and {@code apply_for_all_nodes} (default false). {@code use_fast_bias: false}
     * selects POT's full BiasCorrection.
     */
    private static BiasCorrectionSpec biasCorrection(ObjectView p) {
        boolean fast = p.bool("use_fast_bias").orElse(true);
        double dflt = fast ? BiasCorrectionSpec.DEFAULT_THRESHOLD : BiasCorrectionSpec.DEFAULT_FULL_THRESHOLD;
        double threshold = p.number("threshold").orElse(dflt);
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            p.problem("threshold", "must be a positive finite number (POT's default is 2.0 fast, 1000 full), got "
                    + threshold);
            threshold = dflt;
        }
        boolean all = p.bool("apply_for_all_nodes").orElse(false);
        return new BiasCorrectionSpec(fast ? BiasCorrectionSpec.Mode.FAST : BiasCorrectionSpec.Mode.FULL, threshold,
                all);
    }
}

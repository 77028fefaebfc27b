package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.AlgorithmSpec.Name;
import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.CompressionSection.TargetDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds the {@code compression} section. Without {@code algorithms} the pipeline is one DefaultQuantization with
 * default params, bound through the same code as an explicit one so defaults live in one place. One algorithm per
 * config: the POT algorithms that would make a longer pipeline useful are not implemented.
 */
final class CompressionBinder {
    static final KeySpec KEYS = KeySpec.of("target_device", "model_type", "inplace_statistics", "algorithms")
            .explain("POT option not supported yet", "dump_intermediate_model");
    static final KeySpec ALGORITHM_KEYS = KeySpec.of("name", "params");

    private static final Choices<TargetDevice> DEVICES = Choices.<TargetDevice>builder()
            .value("ANY", TargetDevice.ANY).value("CPU", TargetDevice.CPU).value("GPU", TargetDevice.GPU)
            .value("NPU", TargetDevice.NPU)
            .reject("is not supported by spark-ptq's ONNX output, use ANY or CPU",
                    "GNA", "GNA3", "GNA3.5", "VPU", "CPU_SPR")
            .build();
    private static final Choices<ModelType> MODEL_TYPES = Choices.<ModelType>builder()
            .value("transformer", ModelType.TRANSFORMER).build();
    private static final Choices<Name> ALGORITHMS = Choices.<Name>builder()
            .value("DefaultQuantization", Name.DefaultQuantization)
            .value("MinMaxQuantization", Name.MinMaxQuantization)
            .value("AccuracyAwareQuantization", Name.AccuracyAwareQuantization)
            .reject("runs inside DefaultQuantization: use DefaultQuantization (activation_channel_alignment, "
                    + "use_fast_bias: true for FastBiasCorrection, false for BiasCorrection)",
                    "ActivationChannelAlignment", "FastBiasCorrection", "BiasCorrection")
            .notYet("AccuracyAwareCommon",
                    "AccuracyAwareGNA", "INT4MixedQuantization", "TunableQuantization", "ParamsGridSearchAlgorithm",
                    "RangeOptimization", "DataFreeQuantization", "QuantNoiseEstimator", "OutlierChannelSplitting",
                    "WeightBiasCorrection", "OverflowCorrection", "Ranger", "RangeSupervision", "WeightSparsity",
                    "MagnitudeSparsity", "BaseWeightSparsity")
            .build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("compression", KEYS)
            .key("target_device", DEVICES, "`ANY`", "which ops get quantized and how (POT's hardware configs)")
            .key("model_type", MODEL_TYPES, "none", "`transformer`: only MatMul/Gemm/pooling inputs quantized, "
                    + "preset `mixed` by default")
            .key("inplace_statistics", "boolean", "true", "min/max/abs_max statistics reduced inside the ONNX "
                    + "graph per sample (ReduceMin, ReduceMax; GlobalMaxPool on 4-D tensors so ONNX Runtime keeps its "
                    + "blocked CNN layout; abs_max as max(max, -min); the min of a tensor known to be >= 0, such as a "
                    + "Relu output, taken as 0, which the range contains anyway) so only small tensors leave ONNX "
                    + "Runtime; quantile "
                    + "statistics, histograms and per-channel statistics of tensors of unknown rank still read the "
                    + "whole tensor. NaN/Inf: with false the bad elements are skipped exactly; with true a sample "
                    + "whose min/max comes out non-finite is skipped for that statistic, but ONNX Runtime's reductions "
                    + "may also step over a NaN element and return a finite value (set false to calibrate on data "
                    + "that can produce NaN)")
            .key("algorithms", "array of one", "one DefaultQuantization with default params", "the algorithm");
    static final ConfigKeys.Section ALGORITHM_DOCS = ConfigKeys.section("compression.algorithms[]",
                    ALGORITHM_KEYS)
            .key("name", ALGORITHMS, "required", "DefaultQuantization = channel alignment + MinMax + bias "
                    + "correction; AccuracyAwareQuantization = a base algorithm, then reverting the most harmful "
                    + "layers to FP32/INT16 until `maximal_drop` holds (exit code 5 when it cannot)")
            .key("params", "object", "every default", "the algorithm's parameters");

    private CompressionBinder() {
    }

    static CompressionSection bind(ObjectView root, BindContext ctx) {
        ObjectView c = root.section("compression", KEYS);
        TargetDevice device = c.choice("target_device", DEVICES).orElse(TargetDevice.ANY);
        ModelType modelType = c.choice("model_type", MODEL_TYPES).orElse(ModelType.DEFAULT);
        boolean inplace = c.bool("inplace_statistics").orElse(true);
        List<AlgorithmSpec> algorithms = algorithms(c, modelType, ctx);
        return new CompressionSection(device, modelType, inplace, algorithms);
    }

    private static List<AlgorithmSpec> algorithms(ObjectView c, ModelType modelType, BindContext ctx) {
        String path = c.path("algorithms");
        if (!c.has("algorithms")) {
            ObjectView defaults = ObjectView.empty(path + "[0]", ctx.problems());
            return List.of(new AlgorithmSpec(Name.DefaultQuantization,
                    ParamsBinder.bind(defaults, modelType, ctx.overrides())));
        }
        JsonNode list = c.raw("algorithms");
        if (!list.isArray()) {
            c.problem("algorithms", "expected an array, got " + JsonValues.describe(list));
            return List.of();
        }
        if (list.isEmpty()) {
            c.problem("algorithms", "must not be empty, omit it for one DefaultQuantization with default params");
        } else if (list.size() > 1) {
            c.problem("algorithms", "spark-ptq runs one quantization algorithm per config, got " + list.size());
        }
        List<AlgorithmSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            algorithm(list.get(i), path + "[" + i + "]", modelType, ctx).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<AlgorithmSpec> algorithm(JsonNode node, String path, ModelType modelType,
                                                     BindContext ctx) {
        Optional<ObjectView> view = ObjectView.open(node, path, ctx.problems(), ALGORITHM_KEYS);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        ObjectView a = view.get();
        Optional<Name> name = a.require("name") ? a.choice("name", ALGORITHMS) : Optional.empty();
        return name.map(n -> n == Name.AccuracyAwareQuantization
                ? AccuracyAwareBinder.bind(a, modelType, ctx.overrides())
                : new AlgorithmSpec(n, ParamsBinder.bind(a, modelType, ctx.overrides())));
    }
}

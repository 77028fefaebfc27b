package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.AccuracyAwareSpec.Distance;
import dev.sparkptq.config.AccuracyAwareSpec.DropType;
import dev.sparkptq.config.AccuracyAwareSpec.RestoreMode;
import dev.sparkptq.config.AccuracyAwareSpec.RevertTo;
import dev.sparkptq.config.AlgorithmSpec.Name;
import dev.sparkptq.config.CompressionSection.ModelType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds an AccuracyAwareQuantization entry: its own params (POT's names) and, from the same {@code params} object,
 * the base algorithm's. Parameters spark-ptq cannot honour are rejected here, before any job runs.
 */
final class AccuracyAwareBinder {
    static final List<String> OWN_KEYS = List.of("maximal_drop", "drop_type", "ranking_subset_size", "max_iter_num",
            "use_prev_if_drop_increase", "base_algorithm", "metric_subset_ratio", "metrics", "annotation_free",
            "annotation_conf_threshold", "convert_to_mixed_preset", "tune_hyperparams", "revert_to", "restore_mode",
            "ranking_distance");
    static final KeySpec METRIC_KEYS = KeySpec.of("name", "baseline_value");

    private static final Choices<DropType> DROP_TYPES = Choices.<DropType>builder()
            .value("absolute", DropType.ABSOLUTE).value("relative", DropType.RELATIVE).build();
    private static final Choices<Name> BASES = Choices.<Name>builder()
            .value("DefaultQuantization", Name.DefaultQuantization)
            .value("MinMaxQuantization", Name.MinMaxQuantization).build();
    private static final Choices<RevertTo> REVERT_TO = Choices.<RevertTo>builder()
            .value("fp32", RevertTo.FP32).value("int16", RevertTo.INT16).build();
    private static final Choices<RestoreMode> RESTORE = Choices.<RestoreMode>builder()
            .value("all", RestoreMode.ALL).value("only_activations", RestoreMode.ONLY_ACTIVATIONS).build();
    private static final Choices<Distance> DISTANCES = Choices.<Distance>builder()
            .value("cosine", Distance.COSINE).value("kl", Distance.KL).value("mse", Distance.MSE).build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("compression.algorithms[].params",
                    KeySpec.of(OWN_KEYS.toArray(new String[0])), "AccuracyAwareQuantization")
            .key("maximal_drop", "number ≥ 0", "0.01", "largest accepted metric drop from FP32 (or `baseline_value`)"
                    + "; the base algorithm's params sit in the same object")
            .key("drop_type", DROP_TYPES, "`absolute`", "`relative`: drop divided by the baseline value")
            .key("ranking_subset_size", "integer ≥ 1", "min(validation samples, 300)", "samples each revert group "
                    + "is scored on (the ones the base quantization hurts most)")
            .key("max_iter_num", "integer ≥ 1", "no limit", "greedy revert steps at most")
            .key("use_prev_if_drop_increase", "boolean", "true", "roll a revert back and re-rank when it makes "
                    + "the drop worse")
            .key("base_algorithm", BASES, "`DefaultQuantization`", "how the starting model is quantized")
            .key("metric_subset_ratio", "number in (0, 1]", "0.5", "accepted for POT compatibility; has no effect "
                    + "(FP32 outputs are computed alongside every candidate)")
            .key("metrics", "array of {name, baseline_value}", "none", "a metric's given FP32 value (skips "
                    + "nothing else; drops are measured from it)")
            .key("annotation_free", "boolean", "false", "rank and evaluate against FP32 predictions whose "
                    + "confidence reaches `annotation_conf_threshold` instead of labels")
            .key("annotation_conf_threshold", "number in [0, 1]", "0.6", "(annotation_free) softmax confidence "
                    + "an FP32 prediction needs to serve as a label")
            .key("convert_to_mixed_preset", "boolean", "false", "only false is supported (set `preset: mixed`)")
            .key("tune_hyperparams", "boolean", "false", "only false is supported")
            .key("revert_to", REVERT_TO, "`fp32`", "`int16`: a reverted op keeps INT16 Q/DQ instead of float")
            .key("restore_mode", RESTORE, "`all`", "`only_activations`: a reverted op keeps its int8 weights "
                    + "(NNCF's restore mode)")
            .key("ranking_distance", DISTANCES, "`cosine`", "output distance that picks the ranking subset when "
                    + "the metric has no per-sample value");

    static final ConfigKeys.Section METRIC_DOCS = ConfigKeys.section("compression.algorithms[].params.metrics[]",
                    METRIC_KEYS, "AccuracyAwareQuantization")
            .key("name", "string", "required", "a metric of `engine.metrics`")
            .key("baseline_value", "number", "measured", "the metric's FP32 value to measure drops from");

    private AccuracyAwareBinder() {
    }

    /** The base algorithm's keys plus AccuracyAwareQuantization's own. */
    static KeySpec paramsKeys() {
        List<String> valid = new ArrayList<>(ParamsBinder.KEYS.valid());
        valid.addAll(OWN_KEYS);
        Map<String, String> explained = new LinkedHashMap<>(ParamsBinder.KEYS.explained());
        OWN_KEYS.forEach(explained::remove);
        return new KeySpec(valid, explained);
    }

    static AlgorithmSpec bind(ObjectView algorithm, ModelType modelType, ConfigOverrides overrides) {
        QuantizationParams base = ParamsBinder.bind(algorithm, modelType, overrides, paramsKeys());
        ObjectView p = algorithm.map("params").orElseGet(() -> ObjectView.empty(algorithm.path("params"),
                algorithm.problems()));
        double drop = p.number("maximal_drop").orElse(0.01);
        if (!(drop >= 0)) {
            p.problem("maximal_drop", "must be a number >= 0 (POT's default is 0.01), got " + drop);
        }
        Integer subset = p.intValue("ranking_subset_size", 1, Integer.MAX_VALUE).orElse(null);
        Integer maxIter = p.intValue("max_iter_num", 1, Integer.MAX_VALUE).orElse(null);
        double ratio = p.number("metric_subset_ratio").orElse(0.5);
        if (!(ratio > 0 && ratio <= 1)) {
            p.problem("metric_subset_ratio", "must be in (0, 1] (POT's default is 0.5), got " + ratio);
        }
        double conf = p.number("annotation_conf_threshold").orElse(0.6);
        if (!(conf >= 0 && conf <= 1)) {
            p.problem("annotation_conf_threshold", "must be in [0, 1] (a softmax confidence), got " + conf);
        }
        rejectUnsupported(p);
        AccuracyAwareSpec spec = new AccuracyAwareSpec(drop, p.choice("drop_type", DROP_TYPES)
                .orElse(DropType.ABSOLUTE), subset, maxIter, p.bool("use_prev_if_drop_increase").orElse(true),
                p.choice("base_algorithm", BASES).orElse(Name.DefaultQuantization), ratio, baselines(p),
                p.bool("annotation_free").orElse(false), conf, p.choice("revert_to", REVERT_TO).orElse(RevertTo.FP32),
                p.choice("restore_mode", RESTORE).orElse(RestoreMode.ALL),
                p.choice("ranking_distance", DISTANCES).orElse(Distance.COSINE));
        if (spec.revertTo() == RevertTo.INT16 && spec.restoreMode() == RestoreMode.ONLY_ACTIVATIONS) {
            p.problem("restore_mode", "only_activations keeps int8 weights, which contradicts revert_to: int16;"
                    + " use one of them");
        }
        return new AlgorithmSpec(Name.AccuracyAwareQuantization, base, spec);
    }

    /** POT features spark-ptq does not implement: refused, never silently ignored. */
    private static void rejectUnsupported(ObjectView p) {
        if (p.bool("tune_hyperparams").orElse(false)) {
            p.problem("tune_hyperparams", "true is not supported (POT's ParamsGridSearchAlgorithm is not "
                    + "implemented); remove it or set it to false");
        }
        if (p.bool("convert_to_mixed_preset").orElse(false)) {
            p.problem("convert_to_mixed_preset", "true is not supported; set params.preset to mixed instead");
        }
    }

    /** {@code metrics: [{name, baseline_value}]}: given baselines skip nothing else but the FP32 value in drops. */
    private static Map<String, Double> baselines(ObjectView p) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!p.has("metrics")) {
            return out;
        }
        JsonNode list = p.raw("metrics");
        if (!list.isArray()) {
            p.problem("metrics", "expected an array of {name, baseline_value}, got " + JsonValues.describe(list));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            ObjectView.open(list.get(i), p.path("metrics") + "[" + i + "]", p.problems(), METRIC_KEYS).ifPresent(m -> {
                if (m.require("name")) {
                    m.string("name").ifPresent(n -> m.number("baseline_value").ifPresent(v -> out.put(n, v)));
                }
            });
        }
        return out;
    }
}

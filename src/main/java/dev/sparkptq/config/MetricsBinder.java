package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.config.MetricSpec.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds {@code engine.metrics}. When absent the defaults follow the data: with labels, top-1 accuracy and top-1
 * agreement; for text, mean-pooled cosine to FP32 (sentence embeddings); otherwise cosine to FP32 and top-1
 * agreement, which need no labels. Names default to the type ({@code accuracy@5} for k &gt; 1) and must be unique
 * because report.json keys results by name.
 */
final class MetricsBinder {
    static final KeySpec KEYS = KeySpec.of("name", "type", "top_k", "output", "pooling");

    private static final Choices<Type> TYPES = Choices.<Type>builder()
            .value("accuracy", Type.ACCURACY).value("cosine_to_fp32", Type.COSINE_TO_FP32)
            .value("top1_agreement", Type.TOP1_AGREEMENT).build();
    private static final Choices<Pooling> POOLINGS = Choices.<Pooling>builder()
            .value("none", Pooling.NONE).value("mean", Pooling.MEAN).build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("engine.metrics[]", KEYS)
            .key("name", "string", "the type (`accuracy@k` for k > 1)", "key in report.json; unique")
            .key("type", TYPES, "required", "`accuracy` needs labels; `cosine_to_fp32` and `top1_agreement` "
                    + "compare with the FP32 model")
            .key("top_k", "integer ≥ 1", "1", "(accuracy) top-k")
            .key("output", "string", "the model's first output", "model output the metric reads")
            .key("pooling", POOLINGS, "`none`", "(cosine_to_fp32) `mean`: mask-aware mean over tokens first "
                    + "(sentence embeddings)");

    private MetricsBinder() {
    }

    static List<MetricSpec> bind(ObjectView engine, ReaderSpec reader, boolean hasLabels) {
        if (!engine.has("metrics")) {
            return defaults(reader, hasLabels);
        }
        JsonNode list = engine.raw("metrics");
        if (!list.isArray()) {
            engine.problem("metrics", "expected an array, got " + JsonValues.describe(list));
            return List.of();
        }
        if (list.isEmpty()) {
            engine.problem("metrics", "must not be empty, omit it for the default metrics");
        }
        List<MetricSpec> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String path = engine.path("metrics") + "[" + i + "]";
            Optional<MetricSpec> m = metric(list.get(i), path, engine.problems(), hasLabels);
            m.ifPresent(out::add);
            m.ifPresent(spec -> {
                String first = seen.putIfAbsent(spec.name(), path);
                if (first != null) {
                    engine.problems().add(path + ".name", "duplicate metric name '" + spec.name() + "' (also "
                            + first + "), give one of them a name");
                }
            });
        }
        return out;
    }

    static List<MetricSpec> defaults(ReaderSpec reader, boolean hasLabels) {
        if (hasLabels) {
            return List.of(new MetricSpec("top1", Type.ACCURACY, 1, null, Pooling.NONE),
                    new MetricSpec("top1_agreement", Type.TOP1_AGREEMENT, 1, null, Pooling.NONE));
        }
        if (reader instanceof TextReaderSpec) {
            return List.of(new MetricSpec("cosine_to_fp32", Type.COSINE_TO_FP32, 1, null, Pooling.MEAN));
        }
        return List.of(new MetricSpec("cosine_to_fp32", Type.COSINE_TO_FP32, 1, null, Pooling.NONE),
                new MetricSpec("top1_agreement", Type.TOP1_AGREEMENT, 1, null, Pooling.NONE));
    }

    private static Optional<MetricSpec> metric(JsonNode node, String path, Problems problems, boolean hasLabels) {
        Optional<ObjectView> view = ObjectView.open(node, path, problems, KEYS);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        ObjectView m = view.get();
        Optional<Type> type = m.require("type") ? m.choice("type", TYPES) : Optional.empty();
        int topK = m.intValue("top_k", 1, Integer.MAX_VALUE).orElse(1);
        Pooling pooling = m.choice("pooling", POOLINGS).orElse(Pooling.NONE);
        String output = m.string("output").orElse(null);
        Optional<String> name = m.string("name");
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Type t = type.get();
        if (m.has("top_k") && t != Type.ACCURACY) {
            m.problem("top_k", "only applies to type accuracy");
        }
        if (m.has("pooling") && t != Type.COSINE_TO_FP32) {
            m.problem("pooling", "only applies to type cosine_to_fp32");
        }
        if (t == Type.ACCURACY && !hasLabels) {
            m.problem("type", "accuracy needs labels, add engine.reader.labels or use cosine_to_fp32 / "
                    + "top1_agreement, which compare with the FP32 model");
        }
        String defaultName = t.name().toLowerCase(java.util.Locale.ROOT) + (topK > 1 ? "@" + topK : "");
        return Optional.of(new MetricSpec(name.orElse(defaultName), t, topK, output, pooling));
    }
}

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
 * agreement, which need no labels — and for AccuracyAwareQuantization fidelity to FP32 over every output
 * ({@link #accuracyAwareDefault}). Names default to the type ({@code accuracy@5} for k &gt; 1) and must be unique
 * because report.json keys results by name.
 */
final class MetricsBinder {
    static final KeySpec KEYS = KeySpec.of("name", "type", "top_k", "output", "pooling", "class", "direction");

    private static final Choices<Type> TYPES = Choices.<Type>builder()
            .value("accuracy", Type.ACCURACY).value("cosine_to_fp32", Type.COSINE_TO_FP32)
            .value("top1_agreement", Type.TOP1_AGREEMENT).value("spearman", Type.SPEARMAN)
            .value("mean_iou", Type.MEAN_IOU).value("custom", Type.CUSTOM)
            .value("fidelity_cosine", Type.FIDELITY_COSINE).value("fidelity_sqnr", Type.FIDELITY_SQNR).build();
    private static final java.util.regex.Pattern CLASS_NAME =
            java.util.regex.Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    /** POT's spellings ({@code higher-worse}) and the plainer {@code lower-better}. */
    private static final Choices<MetricSpec.Direction> DIRECTIONS = Choices.<MetricSpec.Direction>builder()
            .value("higher-better", MetricSpec.Direction.HIGHER_BETTER)
            .value("higher-worse", MetricSpec.Direction.LOWER_BETTER)
            .value("lower-better", MetricSpec.Direction.LOWER_BETTER).build();
    private static final Choices<Pooling> POOLINGS = Choices.<Pooling>builder()
            .value("none", Pooling.NONE).value("mean", Pooling.MEAN).build();

    static final ConfigKeys.Section DOCS = ConfigKeys.section("engine.metrics[]", KEYS)
            .key("name", "string", "the type (`accuracy@k` for k > 1)", "key in report.json; unique")
            .key("type", TYPES, "required", "`accuracy` needs labels; `cosine_to_fp32` and `top1_agreement` "
                    + "compare with the FP32 model; `spearman`: rank correlation of each pair's mean-pooled "
                    + "embedding cosine with the gold score (needs the text reader's `format: pairs`); `mean_iou`: "
                    + "[N,C,H,W] argmax vs label masks, else vs the FP32 argmax; `custom`: the class named by "
                    + "`class`; `fidelity_cosine`: the lowest mean cosine to FP32 over every output (an output of one "
                    + "value per sample: the cosine of its values across samples; the worst "
                    + "output decides; drop = 1 − cosine; the default of AccuracyAwareQuantization on image, NPY "
                    + "or JSON data without labels); `fidelity_sqnr`: the highest noise-to-signal energy ratio "
                    + "Σ(x−x̂)²/Σx² to FP32 over every output (drop = that ratio = 10^(−SQNR/10): 0.01 ⇔ 20 dB)")
            .key("top_k", "integer ≥ 1", "1", "(accuracy) top-k")
            .key("output", "string", "the model's first output (fidelity types: every output)",
                    "model output the metric reads")
            .key("pooling", POOLINGS, "`none`", "(cosine_to_fp32) `mean`: mask-aware mean over tokens first "
                    + "(sentence embeddings)")
            .key("class", "Java class name", "required for `custom`", "(custom) an implementation of spark-ptq's `Metric` interface "
                    + "on the classpath with a public `(MetricSpec)` or no-arg constructor — the only class a "
                    + "config can load")
            .key("direction", DIRECTIONS, "the class's `higherBetter()`", "(custom) POT's metric direction; "
                    + "fixes the sign of the drop");

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
            m.filter(spec -> spec.type() == Type.SPEARMAN && !pairs(reader)).ifPresent(spec -> engine.problems()
                    .add(path + ".type", "spearman needs sentence pairs with gold scores: set engine.reader.type "
                            + "\"text\" with \"format\": \"pairs\""));
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

    private static boolean pairs(ReaderSpec reader) {
        return reader instanceof TextReaderSpec t && t.format() == TextReaderSpec.Format.PAIRS;
    }

    /**
     * The default metric of AccuracyAwareQuantization on data without labels, unless annotation-free mode takes the
     * FP32 model's confident predictions as labels: fidelity to the FP32 model over every output, the worst output
     * deciding (cosine and top-1 agreement of the first output alone let a detector's boxes or a landmark model's
     * confidence degrade unseen). Text keeps its mean-pooled sentence-embedding cosine. Configured metrics are kept.
     *
     * @param given whether the config lists {@code engine.metrics}
     */
    static EngineSection accuracyAwareDefault(boolean given, EngineSection engine, CompressionSection compression) {
        if (given || engine == null || compression == null || compression.algorithms().isEmpty()) {
            return engine;
        }
        AccuracyAwareSpec aaq = compression.algorithms().get(0).accuracyAware();
        boolean labelled = engine.metrics().stream().anyMatch(m -> m.type() == Type.ACCURACY);
        if (aaq == null || aaq.annotationFree() || labelled || engine.reader() instanceof TextReaderSpec) {
            return engine;
        }
        return new EngineSection(engine.type(), engine.data(), engine.evalData(), engine.reader(),
                List.of(new MetricSpec("fidelity_cosine", Type.FIDELITY_COSINE, 1, null, Pooling.NONE)),
                engine.numPartitions(), engine.evalSubsetSize(), engine.sqnrSamples(), engine.skipBadSamples(),
                engine.speedGuard(), engine.fidelityPlacement());
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
        String className = custom(m, t);
        Optional<MetricSpec.Direction> direction = m.choice("direction", DIRECTIONS);
        if (direction.isPresent() && t != Type.CUSTOM) {
            m.problem("direction", "only applies to type custom (built-in metrics are higher-better)");
        }
        String defaultName = className != null ? className.substring(className.lastIndexOf('.') + 1)
                : t.name().toLowerCase(java.util.Locale.ROOT) + (topK > 1 ? "@" + topK : "");
        return Optional.of(new MetricSpec(name.orElse(defaultName), t, topK, output, pooling, className,
                direction.orElse(null)));
    }

    /** The {@code class} of a custom metric (required there, rejected elsewhere); loaded later, by Metrics. */
    private static String custom(ObjectView m, Type t) {
        if (t != Type.CUSTOM) {
            if (m.has("class")) {
                m.problem("class", "only applies to type custom");
            }
            return null;
        }
        String className = m.require("class") ? m.string("class").orElse(null) : null;
        if (className != null && !CLASS_NAME.matcher(className).matches()) {
            m.problem("class", "'" + className + "' is not a Java class name; use the fully qualified name, e.g. "
                    + "com.acme.MyMetric");
            return null;
        }
        return className;
    }
}

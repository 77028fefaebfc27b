package dev.sparkptq.config;

import dev.sparkptq.config.BindContext.FileKind;
import dev.sparkptq.config.BindContext.Origin;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Binds the {@code model} and {@code engine} sections: the paths that command-line overrides may replace, the
 * reader and the metrics. A path replaced by an override is still type-checked in the config but only the
 * override's file has to exist, and a required key an override supplies may be left out of the config.
 */
final class EngineBinder {
    static final KeySpec MODEL_KEYS = KeySpec.of("model_name", "model")
            .explain("OpenVINO IR weights file: spark-ptq reads ONNX models (give the .onnx file as model)", "weights");
    static final KeySpec KEYS = KeySpec.of("type", "data_source", "eval_data_source", "reader", "metrics",
                    "num_partitions", "eval_subset_size", "sqnr_samples", "speed_guard")
            .explain("accuracy_checker engine option, not supported: spark-ptq's engine reads engine.data_source "
                    + "with engine.reader", "config", "launchers", "datasets");

    private static final Choices<String> TYPES = Choices.<String>builder().value("simplified", "simplified")
            .reject("is a POT engine spark-ptq does not have, use simplified (data read from engine.data_source)",
                    "accuracy_checker", "data_free")
            .build();
    private static final String ONNX_SUFFIX = ".onnx";

    static final ConfigKeys.Section MODEL_DOCS = ConfigKeys.section("model", MODEL_KEYS)
            .key("model_name", "string", "the model file name without .onnx", "name used in reports")
            .key("model", "path", "required (or `--model`)",
                    "the FP32 ONNX model; external data is read from its folder");
    static final ConfigKeys.Section DOCS = ConfigKeys.section("engine", KEYS)
            .key("type", TYPES, "`simplified`", "POT's engine type; data is always read from `data_source`")
            .key("data_source", "path", "required (or `--data-source`)", "calibration data: a folder or a file")
            .key("eval_data_source", "path", "the calibration data (or `--eval-data-source`)",
                    "evaluation data for `--evaluate`")
            .key("reader", "object", "an `image` reader with defaults", "how files become model inputs")
            .key("metrics", "array", "labels: `top1` accuracy + `top1_agreement`; text: `cosine_to_fp32` (mean "
                    + "pooling); otherwise `cosine_to_fp32` + `top1_agreement`", "metrics computed by `--evaluate`")
            .key("num_partitions", "integer ≥ 1", "4", "Spark partitions of the sample dataset")
            .key("eval_subset_size", "integer ≥ 1", "all samples", "evaluation samples to use (the first ones)")
            .key("sqnr_samples", "integer ≥ 0", "32", "evaluation samples of the per-layer quantization-error "
                    + "(SQNR) pass `--evaluate` runs; 0 turns it off (weights are still measured)")
            .key("speed_guard", "boolean", "true", "time the FP32 and the quantized model on calibration samples "
                    + "(ONNX Runtime, one interleaved run per round, a few seconds); ops whose integer kernel is "
                    + "clearly slower than their float one go back to float, and when the quantized model is still "
                    + "not faster the FP32 model is written with a warning. Timing decides, so the bytes can differ "
                    + "between runs: `false` for reproducible bytes (report.json's `speed` section lists what the "
                    + "guard returned to float; put those nodes in `ignored.scope` to reproduce its model)");

    private EngineBinder() {
    }

    static ModelSection bindModel(ObjectView root, BindContext ctx) {
        ObjectView m = root.section("model", MODEL_KEYS);
        Path model = path(m, "model", ctx.overrides().model(), FileKind.FILE, ctx);
        String defaultName = null;
        if (model != null && model.getFileName() != null) {
            String file = model.getFileName().toString();
            defaultName = file.endsWith(ONNX_SUFFIX) ? file.substring(0, file.length() - ONNX_SUFFIX.length()) : file;
        }
        return new ModelSection(m.string("model_name").orElse(defaultName), model);
    }

    static EngineSection bindEngine(ObjectView root, BindContext ctx) {
        ObjectView e = root.section("engine", KEYS);
        String type = e.choice("type", TYPES).orElse("simplified");
        Path data = path(e, "data_source", ctx.overrides().dataSource(), FileKind.FILE_OR_DIRECTORY, ctx);
        Path eval = optionalPath(e, "eval_data_source", ctx.overrides().evalDataSource(), ctx);
        ReaderSpec reader = ReaderBinder.bind(e, ctx);
        List<MetricSpec> metrics = MetricsBinder.bind(e, reader, ReaderBinder.hasLabels(e));
        int partitions = e.intValue("num_partitions", 1, Integer.MAX_VALUE).orElse(4);
        Integer evalSubset = e.intValue("eval_subset_size", 1, Integer.MAX_VALUE).orElse(null);
        int sqnrSamples = e.intValue("sqnr_samples", 0, Integer.MAX_VALUE)
                .orElse(EngineSection.DEFAULT_SQNR_SAMPLES);
        boolean speedGuard = e.bool("speed_guard").orElse(true);
        return new EngineSection(type, data, eval, reader, metrics, partitions, evalSubset, sqnrSamples,
                speedGuard);
    }

    /** A required path: the override if given, else the config's (missing → problem). */
    private static Path path(ObjectView section, String key, Path override, FileKind kind, BindContext ctx) {
        Optional<Path> fromConfig = section.file(key, ctx.baseDir());
        if (override != null) {
            Path p = BindContext.fromCommandLine(override);
            ctx.requireFile(section.path(key), p, kind, Origin.COMMAND_LINE);
            return p;
        }
        if (!section.require(key) || fromConfig.isEmpty()) {
            return null;
        }
        ctx.requireFile(section.path(key), fromConfig.get(), kind, Origin.CONFIG);
        return fromConfig.get();
    }

    private static Path optionalPath(ObjectView section, String key, Path override, BindContext ctx) {
        if (override == null && !section.has(key)) {
            return null;
        }
        return path(section, key, override, FileKind.FILE_OR_DIRECTORY, ctx);
    }
}

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
                    "num_partitions", "eval_subset_size", "sqnr_samples")
            .explain("accuracy_checker engine option, not supported: spark-ptq's engine reads engine.data_source "
                    + "with engine.reader", "config", "launchers", "datasets");

    private static final Choices<String> TYPES = Choices.<String>builder().value("simplified", "simplified")
            .reject("is a POT engine spark-ptq does not have, use simplified (data read from engine.data_source)",
                    "accuracy_checker", "data_free")
            .build();
    private static final String ONNX_SUFFIX = ".onnx";

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
        return new EngineSection(type, data, eval, reader, metrics, partitions, evalSubset, sqnrSamples);
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

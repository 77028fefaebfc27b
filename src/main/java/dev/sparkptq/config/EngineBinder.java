package dev.sparkptq.config;

import dev.sparkptq.config.BindContext.FileKind;
import dev.sparkptq.config.BindContext.Origin;

import dev.sparkptq.core.Location;

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
                    "num_partitions", "eval_subset_size", "sqnr_samples", "skip_bad_samples",
                    "speed_guard", "fidelity_placement")
            .explain("accuracy_checker engine option, not supported: spark-ptq's engine reads engine.data_source "
                    + "with engine.reader", "config", "launchers", "datasets");

    private static final Choices<String> TYPES = Choices.<String>builder().value("simplified", "simplified")
            .reject("is a POT engine spark-ptq does not have, use simplified (data read from engine.data_source)",
                    "accuracy_checker", "data_free")
            .build();
    private static final Choices<EngineSection.FidelityMode> FIDELITY = Choices.<EngineSection.FidelityMode>builder()
            .value("strict", EngineSection.FidelityMode.STRICT).value("floors", EngineSection.FidelityMode.FLOORS)
            .value("off", EngineSection.FidelityMode.OFF).build();
    private static final String ONNX_SUFFIX = ".onnx";

    static final ConfigKeys.Section MODEL_DOCS = ConfigKeys.section("model", MODEL_KEYS)
            .key("model_name", "string", "the model file name without .onnx", "name used in reports")
            .key("model", "path or URI", "required (or `--model`)",
                    "the FP32 ONNX model, a local path or a Hadoop file-system URI (`hdfs://`, `s3a://`, `gs://`, "
                            + "`abfs://`, `file://`), read once by the driver; external data is read from its folder");
    static final ConfigKeys.Section DOCS = ConfigKeys.section("engine", KEYS)
            .key("type", TYPES, "`simplified`", "POT's engine type; data is always read from `data_source`")
            .key("data_source", "path or URI", "required (or `--data-source`; none with a catalog `table`)",
                    "calibration data: a folder, a file or a table, local or on a Hadoop file system (a folder of "
                            + "images, NPY or JSON files there is read by the executors through Spark's `binaryFile` "
                            + "source)")
            .key("eval_data_source", "path or URI", "the calibration data (or `--eval-data-source`)",
                    "evaluation data for `--evaluate`")
            .key("reader", "object", "an `image` reader with defaults", "how files become model inputs")
            .key("metrics", "array", "labels: `top1` accuracy + `top1_agreement`; text: `cosine_to_fp32` (mean "
                    + "pooling); otherwise `cosine_to_fp32` + `top1_agreement` (AccuracyAwareQuantization: "
                    + "`fidelity_cosine`)",
                    "metrics computed by `--evaluate`")
            .key("num_partitions", "integer ≥ 1", "4", "Spark partitions of the sample dataset")
            .key("eval_subset_size", "integer ≥ 1", "all samples", "evaluation samples to use (the first ones)")
            .key("sqnr_samples", "integer ≥ 0", "32", "evaluation samples of the per-layer quantization-error "
                    + "(SQNR) pass `--evaluate` runs; 0 turns it off (weights are still measured)")
            .key("skip_bad_samples", "boolean", "false", "leave undecodable sample files (truncated or corrupt "
                    + "images, damaged NPY files) out and report them in report.json, instead of failing with exit 4 "
                    + "on the first; costs one decoding pass over the samples")
            .key("speed_guard", "boolean", "true", "time the FP32 and the quantized model on calibration samples "
                    + "(ONNX Runtime, one interleaved run per round, a few seconds); ops whose integer kernel is "
                    + "clearly slower than their float one go back to float, and when the quantized model is still "
                    + "not faster the FP32 model is written with a warning. Timing decides, so the bytes can differ "
                    + "between runs: `false` for reproducible bytes (report.json's `speed` section lists what the "
                    + "guard returned to float; put those nodes in `ignored.scope` to reproduce its model)")
            .key("fidelity_placement", FIDELITY, "`floors`", "when the quantized model's worst output is below cosine "
                    + "0.995 or 22 dB SQNR to FP32 on 8 calibration samples (margins over the 0.99 / 20 dB floors: "
                    + "held-out data scores lower), rank the fused MAC ops (a Conv/MatMul/Gemm whose output is "
                    + "quantized so it runs as an integer kernel) by the error each adds alone, and return the fewest "
                    + "worst ones to float, before the speed guard. `strict`: until every output is at the floors "
                    + "and no worse than with every fused MAC op in float; `floors`: until every output is at the "
                    + "floors (trades fidelity down to them for speed: PP-OCRv4 det 65 % of its MACs in integer "
                    + "kernels, 20.9 dB held out, 1.43–1.58x over three runs, where `strict` gives 27 %, 26.1 dB, "
                    + "1.31x); `off`: as planned. Costs one ONNX Runtime session per fused op "
                    + "and a few more, only when the floors are missed");

    private EngineBinder() {
    }

    static ModelSection bindModel(ObjectView root, BindContext ctx) {
        ObjectView m = root.section("model", MODEL_KEYS);
        Location model = path(m, "model", ctx.overrides().model(), FileKind.FILE, ctx);
        String defaultName = null;
        if (model != null && !model.name().isEmpty()) {
            String file = model.name();
            defaultName = file.endsWith(ONNX_SUFFIX) ? file.substring(0, file.length() - ONNX_SUFFIX.length()) : file;
        }
        return new ModelSection(m.string("model_name").orElse(defaultName), model);
    }

    static EngineSection bindEngine(ObjectView root, BindContext ctx) {
        ObjectView e = root.section("engine", KEYS);
        String type = e.choice("type", TYPES).orElse("simplified");
        ReaderSpec reader = ReaderBinder.bind(e, ctx);
        Location data = reader instanceof TableReaderSpec t && t.table() != null
                ? tableOnly(e, "data_source", ctx.overrides().dataSource())
                : path(e, "data_source", ctx.overrides().dataSource(), FileKind.FILE_OR_DIRECTORY, ctx);
        Location eval = reader instanceof TableReaderSpec t && t.evalTable() != null
                ? tableOnly(e, "eval_data_source", ctx.overrides().evalDataSource())
                : optionalPath(e, "eval_data_source", ctx.overrides().evalDataSource(), ctx);
        List<MetricSpec> metrics = MetricsBinder.bind(e, reader, ReaderBinder.hasLabels(e));
        int partitions = e.intValue("num_partitions", 1, Integer.MAX_VALUE).orElse(4);
        Integer evalSubset = e.intValue("eval_subset_size", 1, Integer.MAX_VALUE).orElse(null);
        int sqnrSamples = e.intValue("sqnr_samples", 0, Integer.MAX_VALUE)
                .orElse(EngineSection.DEFAULT_SQNR_SAMPLES);
        boolean skipBad = e.bool("skip_bad_samples").orElse(false);
        boolean speedGuard = e.bool("speed_guard").orElse(true);
        EngineSection.FidelityMode fidelityPlacement = e.choice("fidelity_placement", FIDELITY)
                .orElse(EngineSection.FidelityMode.FLOORS);
        return new EngineSection(type, data, eval, reader, metrics, partitions, evalSubset, sqnrSamples, skipBad,
                speedGuard, fidelityPlacement);
    }

    /** A catalog table named in the reader replaces the path: giving both is a contradiction. */
    private static Location tableOnly(ObjectView section, String key, Location override) {
        if (override != null || section.has(key)) {
            section.problem(key, "the table reader names a catalog table ('" + (key.equals("data_source") ? "table"
                    : "eval_table") + "'), so no " + key + " path is read; give one or the other");
        }
        return null;
    }

    /** A required path: the override if given, else the config's (missing → problem). */
    private static Location path(ObjectView section, String key, Location override, FileKind kind,
                                 BindContext ctx) {
        Optional<Location> fromConfig = section.location(key, ctx.baseDir());
        if (override != null) {
            ctx.requireFile(section.path(key), override, kind, Origin.COMMAND_LINE);
            return override;
        }
        if (!section.require(key) || fromConfig.isEmpty()) {
            return null;
        }
        ctx.requireFile(section.path(key), fromConfig.get(), kind, Origin.CONFIG);
        return fromConfig.get();
    }

    private static Location optionalPath(ObjectView section, String key, Location override, BindContext ctx) {
        if (override == null && !section.has(key)) {
            return null;
        }
        return path(section, key, override, FileKind.FILE_OR_DIRECTORY, ctx);
    }
}

package dev.sparkptq.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every kind of bad config is rejected with its JSON path and a readable reason. */
class ConfigLoaderRejectionTest extends ConfigTestBase {
    private static final String PARAMS = "compression.algorithms[0].params.";

    private static Arguments params(String body, String expected) {
        return arguments(ConfigFixture.withParams(body), expected);
    }

    private static Arguments engine(String members, String expected) {
        return arguments(ConfigFixture.withEngine(members), expected);
    }

    static Stream<Arguments> singleProblems() {
        return Stream.of(
                // unknown keys, with and without a close valid key, and known-but-invalid keys
                params("\"stat_subset_sise\": 300",
                        PARAMS + "stat_subset_sise: unknown key — did you mean 'stat_subset_size'?"),
                params("\"activations\": {\"range_estimator\": {\"max\": {\"agregator\": \"max\"}}}",
                        PARAMS + "activations.range_estimator.max.agregator: unknown key — did you mean 'aggregator'?"),
                arguments("{\"modle\": {}, \"model\": {\"model\": \"model.onnx\"}, \"engine\": {\"data_source\": "
                        + "\"data\"}}", "modle: unknown key — did you mean 'model'?"),
                params("\"use_layerwise_tuning\": \"yes\"", PARAMS + "use_layerwise_tuning: expected true or false"),
                arguments(ConfigFixture.config("", "\"algorithms\": [{\"name\": \"BiasCorrection\"}]"),
                        "compression.algorithms[0].name: 'BiasCorrection' runs inside DefaultQuantization"),
                params("\"threshold\": -1", PARAMS + "threshold: must be a positive finite number"),
                params("\"use_fast_bias\": \"yes\"", PARAMS + "use_fast_bias: expected true or false"),
                engine("\"reader\": {\"max_length\": 64}",
                        "engine.reader.max_length: a field of the text reader, not of the image reader"),
                // wrong types
                params("\"stat_subset_size\": \"300\"",
                        PARAMS + "stat_subset_size: expected an integer, got the string \"300\""),
                params("\"shuffle_data\": 1", PARAMS + "shuffle_data: expected true or false, got the number 1"),
                params("\"weights\": {\"bits\": 8.0}", PARAMS + "weights.bits: expected an integer, got the number 8.0"),
                engine("\"reader\": {\"mean\": [0.5, \"x\", 0.5]}",
                        "engine.reader.mean[1]: expected a number, got the string \"x\""),
                arguments("{\"model\": \"model.onnx\", \"engine\": {\"data_source\": \"data\"}}",
                        "model: expected an object, got the string \"model.onnx\""),
                // bad enum values, with the valid list and the closest one
                params("\"activations\": {\"range_estimator\": {\"max\": {\"aggregator\": \"maen\"}}}",
                        PARAMS + "activations.range_estimator.max.aggregator: 'maen' is not a valid value (valid: "
                                + "mean, max, min, median, mean_no_outliers, median_no_outliers, hl_estimator) — did "
                                + "you mean 'mean'?"),
                params("\"activations\": {\"range_estimator\": {\"max\": {\"type\": \"abs_quantil\"}}}",
                        PARAMS + "activations.range_estimator.max.type: 'abs_quantil' is not a valid value (valid: "
                                + "min, max, abs_max, quantile, abs_quantile) — did you mean 'abs_quantile'?"),
                params("\"preset\": \"perfomance\"",
                        PARAMS + "preset: 'perfomance' is not a valid value (valid: performance, mixed) — did you "
                                + "mean 'performance'?"),
                engine("\"reader\": {\"color\": \"rgb\"}",
                        "engine.reader.color: 'rgb' is not a valid value (valid: RGB, BGR) — did you mean 'RGB'?"),
                engine("\"reader\": {\"type\": \"images\"}",
                        "engine.reader.type: 'images' is not a valid value (valid: image, npy, text, json, table) "
                                + "— did you mean 'image'?"),
                // values POT accepts that this version does not implement
                params("\"weights\": {\"bits\": 12}", PARAMS + "weights.bits: 12 is not supported yet (supported: "
                        + "2–8, 16)"),
                arguments(ConfigFixture.config("", "\"algorithms\": [{\"name\": \"AccuracyAwareQuantization\", "
                                + "\"params\": {\"tune_hyperparams\": true}}]"),
                        "compression.algorithms[0].params.tune_hyperparams: true is not supported"),
                arguments(ConfigFixture.config("", "\"algorithms\": [{\"name\": \"AccuracyAwareQuantization\", "
                                + "\"params\": {\"revert_to\": \"int16\", \"restore_mode\": "
                                + "\"only_activations\"}}]"),
                        "compression.algorithms[0].params.restore_mode: only_activations keeps int8 weights"),
                arguments(ConfigFixture.config("", "\"algorithms\": [{\"name\": \"AccuracyAwareQuantization\", "
                                + "\"params\": {\"maximal_drop\": -0.1}}]"),
                        "compression.algorithms[0].params.maximal_drop: must be a number >= 0"),
                arguments(ConfigFixture.config("", "\"algorithms\": [{\"name\": \"DefaultQuantization\", "
                                + "\"params\": {\"maximal_drop\": 0.01}}]"),
                        "compression.algorithms[0].params.maximal_drop"),
                arguments(ConfigFixture.config("", "\"target_device\": \"GNA\""),
                        "compression.target_device: 'GNA' is not supported by spark-ptq's ONNX output, use ANY or "
                                + "CPU"),
                // out of range
                engine("\"num_partitions\": 0", "engine.num_partitions: must be ≥ 1, got 0"),
                engine("\"sqnr_samples\": -1", "engine.sqnr_samples: must be ≥ 0, got -1"),
                params("\"weights\": {\"bits\": 1}", PARAMS + "weights.bits: must be 2–8 or 16, got 1"),
                params("\"activations\": {\"range_estimator\": {\"max\": {\"type\": \"max\", \"outlier_prob\": 0.7}}}",
                        PARAMS + "activations.range_estimator.max.outlier_prob: must be in (0, 0.5), got 0.7"),
                params("\"activations\": {\"range_estimator\": {\"min\": {\"type\": \"quantile\", \"outlier_prob\": 0}}}",
                        PARAMS + "activations.range_estimator.min.outlier_prob: must be in (0, 0.5), got 0.0"),
                params("\"activations\": {\"range_estimator\": {\"preset\": \"quantile\", \"max\": {\"type\": "
                                + "\"abs_max\", \"outlier_prob\": 0.01}}}",
                        PARAMS + "activations.range_estimator.max.outlier_prob: only applies to types quantile and "
                                + "abs_quantile, not to abs_max, remove it"),
                engine("\"reader\": {\"std\": [0.2, 0, 0.2]}", "engine.reader.std[1]: must be > 0, got 0.0"),
                // contradictions
                params("\"activations\": {\"level_low\": 10, \"level_high\": 10}",
                        PARAMS + "activations.level_low: level_low (10) must be below level_high (10)"),
                params("\"weights\": {\"level_low\": -200, \"level_high\": 200}",
                        PARAMS + "weights.level_low: levels -200..200 do not fit in 8 bits"),
                params("\"weights\": {\"level_high\": 127}",
                        PARAMS + "weights.level_low: give level_low and level_high together"),
                params("\"weights\": {\"bits\": 16, \"granularity\": \"perchannel\"}",
                        PARAMS + "weights.granularity: 16-bit quantization is per tensor only"),
                params("\"weights\": {\"range_estimator\": {\"max\": {\"aggregator\": \"max\"}}}",
                        PARAMS + "weights.range_estimator.max.aggregator: weights have no samples to aggregate"),
                params("\"weights\": {\"range_estimator\": {\"min\": {\"type\": \"min\"}}}",
                        PARAMS + "weights.range_estimator.min: symmetric weights use only max"),
                params("\"stat_subset_size\": 2, \"stat_batch_size\": 8",
                        PARAMS + "stat_batch_size: stat_batch_size (8) is larger than stat_subset_size (2)"),
                engine("\"reader\": {\"letterbox\": 416, \"resize_shorter\": 256}",
                        "engine.reader.letterbox: cannot be combined with resize_shorter"),
                engine("\"metrics\": [{\"type\": \"accuracy\"}]", "engine.metrics[0].type: accuracy needs labels"),
                engine("\"metrics\": [{\"type\": \"cosine_to_fp32\"}, {\"name\": \"cosine_to_fp32\", \"type\": "
                                + "\"top1_agreement\"}]",
                        "engine.metrics[1].name: duplicate metric name 'cosine_to_fp32' (also engine.metrics[0])"),
                engine("\"metrics\": [{\"type\": \"top1_agreement\", \"top_k\": 5}]",
                        "engine.metrics[0].top_k: only applies to type accuracy"),
                engine("\"reader\": {\"labels\": {\"from\": \"npy_file\", \"file\": \"labels.npy\"}}",
                        "engine.reader.labels.from: npy_file labels need the npy reader with batch_axis true"),
                arguments(ConfigFixture.config("", "\"algorithms\": []"), "compression.algorithms: must not be empty"),
                // missing required keys
                arguments("{\"engine\": {\"data_source\": \"data\"}}", "model.model: missing required key"),
                arguments("{\"model\": {\"model\": \"model.onnx\"}}", "engine.data_source: missing required key"),
                engine("\"reader\": {\"type\": \"text\"}", "engine.reader.tokenizer: missing required key"),
                engine("\"metrics\": [{\"name\": \"m\"}]", "engine.metrics[0].type: missing required key"),
                // files that must exist
                arguments(ConfigFixture.config("\"eval_data_source\": \"nowhere\"", ""),
                        "engine.eval_data_source: " + "%TMP%" + "/nowhere does not exist"),
                engine("\"reader\": {\"labels\": {\"from\": \"filename_prefix\", \"index_file\": \"data\"}}",
                        "engine.reader.labels.index_file: %TMP%/data is not a regular file")
        );
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("singleProblems")
    void reportsTheProblemWithItsPath(String json, String expected) {
        String message = fx.problems(json);
        String want = expected.replace("%TMP%", tmp.toAbsolutePath().normalize().toString());
        assertTrue(message.startsWith("config <inline JSON>: 1 problem: "), message);
        assertTrue(message.contains(want), () -> "expected «" + want + "» in: " + message);
    }

    @Test
    void unknownKeyFarFromEveryValidKeyGetsNoSuggestion() {
        String message = fx.problems(ConfigFixture.withParams("\"banana\": 1"));
        assertTrue(message.endsWith(PARAMS + "banana: unknown key"), message);
    }

    @Test
    void reportsEveryProblemTogetherInOneLine() {
        String json = """
                {
                  "model": { "model": "missing.onnx", "modelname": "x" },
                  "engine": { "data_source": "data", "num_partitions": -1,
                              "metrics": [ { "type": "acuracy" } ] },
                  "compression": {
                    "target_device": "VPU",
                    "algorithms": [ { "name": "DefaultQuantization",
                                      "params": { "preset": "fast", "weights": { "bits": 32 } } } ]
                  }
                }""";
        String message = fx.problems(json);
        String[] expected = {
                "model.modelname: unknown key — did you mean 'model_name'?",
                "engine.num_partitions: must be ≥ 1, got -1",
                "engine.metrics[0].type: 'acuracy' is not a valid value (valid: accuracy, cosine_to_fp32, "
                        + "top1_agreement, spearman, mean_iou, custom, fidelity_cosine, fidelity_sqnr) — did you mean "
                        + "'accuracy'?",
                "compression.target_device: 'VPU' is not supported by spark-ptq's ONNX output",
                PARAMS + "preset: 'fast' is not a valid value (valid: performance, mixed)",
                PARAMS + "weights.bits: must be 2–8 or 16, got 32",
                "model.model: " + tmp.resolve("missing.onnx") + " does not exist",
        };
        assertTrue(message.startsWith("config <inline JSON>: " + expected.length + " problems: "), message);
        for (String e : expected) {
            assertTrue(message.contains(e), () -> "expected «" + e + "» in: " + message);
        }
        assertEquals(expected.length - 1, message.split("; ").length - 1, message);
        // file problems come after structural ones
        assertTrue(message.indexOf("does not exist") > message.indexOf("weights.bits"), message);
    }

    @Test
    void commentsAndTrailingCommasAreAccepted() {
        String json = """
                // a line comment
                {
                  /* a block
                     comment */
                  "model": { "model": "model.onnx", },   // trailing comma in an object
                  "engine": { "data_source": "data", "reader": { "mean": [0.5, 0.5, 0.5,], }, },
                }
                """;
        assertEquals(0.5f, ((ImageReaderSpec) fx.load(json).engine().reader()).mean()[2]);
    }

    @Test
    void invalidJsonIsOneProblemWithLineAndColumn() {
        String message = fx.problems("{\n  \"model\": { \"model\" \"model.onnx\" }\n}");
        assertTrue(message.startsWith("config <inline JSON>: 1 problem: line 2, column "), message);
        assertTrue(message.contains("invalid JSON"), message);
    }

    @Test
    void duplicateKeysAreRejectedInsteadOfSilentlyOverwritten() {
        String message = fx.problems("{\"model\": {\"model\": \"model.onnx\", \"model\": \"other.onnx\"}}");
        assertTrue(message.contains("invalid JSON") && message.contains("model"), message);
    }

    @Test
    void emptyAndNonObjectDocumentsAreRejected() {
        assertTrue(fx.problems("  ").contains("(root): the document is empty"));
        assertTrue(fx.problems("[1]").contains("(root): expected an object, got an array"));
    }

    @Test
    void invalidAlgorithmNameDoesNotAlsoReportItsParams() {
        String message = fx.problems(ConfigFixture.config("", "\"algorithms\": [{\"name\": "
                + "\"AccuracyAwareGNA\", \"params\": {\"maximal_drop\": 0.01, \"ranking_subset_size\": 5}}]"));
        assertFalse(message.contains("maximal_drop"), message);
    }
}

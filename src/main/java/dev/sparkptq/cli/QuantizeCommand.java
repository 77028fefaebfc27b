package dev.sparkptq.cli;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code spark-ptq quantize}: quantize a model as the config says, optionally evaluate, write model + report. */
final class QuantizeCommand {
    static final String HELP = """
            usage: spark-ptq quantize --config FILE [options]

              -c, --config FILE          POT-style JSON config (comments allowed); see conf/examples/
              -m, --model PATH           override the config's model.model
              --data-source PATH         override the config's engine.data_source (calibration data)
              --eval-data-source PATH    evaluate on this data instead of the calibration data
              --output-dir DIR           write DIR/model.onnx and DIR/report.json
                                         (default: results/<model_name>_<algorithm>/<timestamp>/)
              -e, --evaluate             run FP32 and quantized models on the evaluation data; metrics in report.json
              --keep-uncompressed-weights  keep FP32 weights behind Q/DQ pairs instead of int8 initializers
              --statistics FILE          reuse an earlier run's statistics.json instead of calibrating (same model;
                                         the estimator must need only statistics the file holds)
              --master URL               Spark master (default local[*]); e.g. spark://host:7077
              --threads N                ONNX Runtime threads per Spark task (default 1)
              --verbose                  stack traces on errors

            examples:
              spark-ptq quantize -c conf/examples/squeezenet-imagenet.json --evaluate --output-dir out/sq
              spark-ptq quantize -c my.json --model m.onnx --data-source images/ --master local[2]
            """;

    private static final Set<String> VALUED = Set.of("--config", "--model", "--data-source", "--eval-data-source",
            "--output-dir", "--master", "--threads", "--statistics");
    private static final Set<String> SWITCHES = Set.of("--evaluate", "--keep-uncompressed-weights", "--verbose",
            "--help");
    private static final Map<String, String> ALIASES = Map.of("-c", "--config", "-m", "--model", "-e", "--evaluate",
            "-h", "--help");

    private QuantizeCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("quantize", argv, VALUED, SWITCHES, ALIASES);
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        if (a.get("--config") == null) {
            throw new ConfigException("quantize needs --config FILE (see conf/examples/ and spark-ptq quantize --help)");
        }
        int threads = threads(a.get("--threads"));
        PtqConfig config = ConfigLoader.load(Path.of(a.get("--config")), new ConfigOverrides(
                path(a.get("--model")), path(a.get("--data-source")), path(a.get("--eval-data-source")),
                a.has("--keep-uncompressed-weights") ? Boolean.FALSE : null));
        Path outputDir = a.get("--output-dir") != null ? Path.of(a.get("--output-dir")) : defaultOutput(config);
        RunOptions.Evaluation eval = a.has("--evaluate") ? RunOptions.Evaluation.RUN : RunOptions.Evaluation.SKIP;
        Path statistics = a.get("--statistics") == null ? null : Path.of(a.get("--statistics"));
        RunResult result = Runs.quantize(config, outputDir, eval, threads, a.get("--master"), statistics, err);
        Summary.print(result, out);
        return ExitCode.OK.code();
    }

    static int threads(String text) {
        if (text == null) {
            return 1;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException("--threads must be a whole number ≥ 1, got '" + text + "'");
    }

    private static Path path(String text) {
        return text == null ? null : Path.of(text);
    }

    /** POT's default layout: {@code results/<model_name>_<algorithm>/<timestamp>/}. */
    static Path defaultOutput(PtqConfig config) {
        AlgorithmSpec.Name algo = config.compression().algorithms().get(0).name();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"));
        return Path.of("results", config.model().modelName() + "_" + algo.name(), stamp);
    }
}

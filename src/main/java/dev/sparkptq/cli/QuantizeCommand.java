package dev.sparkptq.cli;

import dev.sparkptq.aaq.AccuracyAwareRun;
import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.storage.Folder;
import dev.sparkptq.storage.Storage;

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
                   spark-ptq quantize -q default --model M.onnx --data-source DATA [--preset mixed] [options]

              -c, --config FILE          POT-style JSON config (comments allowed); see conf/examples/
              -q, --quantize MODE        POT's quick mode without a config: 'default' (DefaultQuantization; the
                                         reader is inferred from the data: images resized to the model input and
                                         scaled to [0,1], NPY, JSON arrays, or text + tokenizer.json next to the
                                         model) or 'accuracy_aware' (AccuracyAwareQuantization with --max-drop)
              --preset NAME              with -q: performance (default) or mixed
              --max-drop X               with -q accuracy_aware: the allowed accuracy drop
              --resume DIR               continue an interrupted AccuracyAwareQuantization run from DIR's
                                         aaq-checkpoint.json (same config and model); writes into DIR
              --tokenizer FILE           with -q and text data: the tokenizer.json (default: next to the model)
              -m, --model PATH           override the config's model.model
              --data-source PATH         override the config's engine.data_source (calibration data)
              --eval-data-source PATH    evaluate on this data instead of the calibration data
              --output-dir DIR           write DIR/model.onnx, report.json, report.html and statistics.json
                                         (default: results/<model_name>_<algorithm>/<timestamp>/)
              -d, --direct-dump          no <model>_<algorithm>/<timestamp> sub-folders: write into results/
                                         (or --output-dir) directly
              --overwrite                replace the model.onnx of an earlier run in the output folder
              -e, --evaluate             run FP32 and quantized models on the evaluation data; metrics in report.json
              --keep-uncompressed-weights  keep FP32 weights behind Q/DQ pairs instead of int8 initializers
              --statistics FILE          reuse an earlier run's statistics.json instead of calibrating (same model;
                                         the estimator must need only statistics the file holds)
              --master URL               Spark master (default local[*]); e.g. spark://host:7077
              --threads N                ONNX Runtime threads per Spark task (default 1)
              --progress-bar             a progress bar per stage (statistics, evaluation): tasks done, samples/s, ETA
              --stream-output            progress as one line per update (for tools reading the output)
              --log-level LEVEL          CRITICAL, ERROR, WARNING, INFO (default: progress lines) or DEBUG (also
                                         Spark's own INFO logs)
              --verbose                  stack traces on errors, and Spark's own log lines on the console
                                         (without it they go to spark-ptq.log in the output folder)

            examples:
              spark-ptq quantize -c conf/examples/squeezenet-imagenet.json --evaluate --output-dir out/sq
              spark-ptq quantize -c my.json --model m.onnx --data-source images/ --master local[2]
              spark-ptq quantize -q default --model m.onnx --data-source images/ --preset mixed -d
            """;

    private static final Set<String> VALUED = Set.of("--config", "--model", "--data-source", "--eval-data-source",
            "--output-dir", "--master", "--threads", "--statistics", "--quantize", "--preset", "--max-drop",
            "--tokenizer", "--log-level", "--resume");
    private static final Set<String> SWITCHES = Set.of("--evaluate", "--keep-uncompressed-weights", "--verbose",
            "--help", "--direct-dump", "--progress-bar", "--stream-output", "--overwrite");
    private static final Map<String, String> ALIASES = Map.of("-c", "--config", "-m", "--model", "-e", "--evaluate",
            "-h", "--help", "-q", "--quantize", "-d", "--direct-dump");

    private QuantizeCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("quantize", argv, VALUED, SWITCHES, ALIASES);
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        LogLevel level = LogLevel.parse(a.get("--log-level"));
        int threads = a.positiveInt("--threads", 1);
        MasterCheck.requireWellFormed(a.get("--master"));
        PtqConfig config = a.get("--quantize") != null ? QuickMode.config(a) : fromConfigFile(a);
        refuseAccuracyAwareOnTable(config);
        Location outputDir = a.get("--resume") != null ? resumeDir(a, config) : outputDir(a, config);
        Location statistics = a.location("--statistics");
        RunLocations.checkInputs(config, statistics);
        RunLocations.requireWritable(outputDir);
        dev.sparkptq.pipeline.OutputSwap.recover(Folder.of(outputDir)).forEach(m -> err.println("[spark-ptq] " + m));
        if (a.get("--resume") == null) {
            RunLocations.refuseToReplace(outputDir, a.has("--overwrite"));
        }
        boolean verbose = a.has("--verbose");
        try (SparkLogFile logs = SparkLogFile.route(outputDir, verbose || level == LogLevel.DEBUG)) {
            try {
                return quantize(a, config, outputDir, level, threads, out, err);
            } catch (Throwable t) {
                return Errors.report(t, verbose, err, logs.hint());
            }
        }
    }

    /** The run itself, once the output folder is known (Spark's logs go to its spark-ptq.log meanwhile). */
    private static int quantize(Args a, PtqConfig config, Location outputDir, LogLevel level, int threads,
                                PrintStream out, PrintStream err) {
        if (config.compression().algorithms().get(0).accuracyAware() != null) {
            AccuracyAwareRun.Result r = Runs.accuracyAware(config, outputDir, threads, a.get("--master"),
                    a.get("--resume") != null, level.progress(err),
                    ProgressPrinter.mode(a.has("--progress-bar"), a.has("--stream-output")));
            Summary.print(r.run(), out);
            return r.targetMet() ? ExitCode.OK.code() : ExitCode.TARGET_MISSED.code();
        }
        RunOptions.Evaluation eval = a.has("--evaluate") ? RunOptions.Evaluation.RUN : RunOptions.Evaluation.SKIP;
        RunResult result = Runs.quantize(config, outputDir, eval, threads, a.get("--master"), a.location("--statistics"),
                level.progress(err), ProgressPrinter.mode(a.has("--progress-bar"), a.has("--stream-output")));
        Summary.print(result, out);
        return ExitCode.OK.code();
    }

    /**
     * AccuracyAwareQuantization's ranking tasks load single samples by id on the executors, which table rows (only
     * reachable by iterating their partitions) cannot serve: refused with the config, before the output folder is
     * touched or any job runs.
     */
    private static void refuseAccuracyAwareOnTable(PtqConfig config) {
        if (config.compression().algorithms().get(0).accuracyAware() != null
                && config.engine().reader() instanceof dev.sparkptq.config.TableReaderSpec) {
            throw new ConfigException("AccuracyAwareQuantization with the table reader is not supported: its "
                    + "ranking tasks load single samples by id, which table rows cannot serve; calibrate with "
                    + "DefaultQuantization, or store the samples as files (images, NPY or JSON, local or on HDFS)");
        }
    }

    private static PtqConfig fromConfigFile(Args a) {
        if (a.get("--config") == null) {
            throw new ConfigException("quantize needs --config FILE, or POT's quick mode -q default --model M "
                    + "--data-source D (see conf/examples/ and spark-ptq quantize --help)");
        }
        for (String quickOnly : List.of("--preset", "--max-drop", "--tokenizer")) {
            if (a.get(quickOnly) != null) {
                throw new ConfigException(quickOnly + " belongs to the quick mode (-q); with --config set it in the "
                        + "config file");
            }
        }
        ConfigOverrides overrides = new ConfigOverrides(a.location("--model"), a.location("--data-source"),
                a.location("--eval-data-source"), a.has("--keep-uncompressed-weights") ? Boolean.FALSE : null);
        Location file = a.location("--config");
        if (file.isLocal()) {
            return ConfigLoader.load(file.path(), overrides);
        }
        Storage.check(file, "--config");
        try {
            String text = new String(Storage.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
            return ConfigLoader.fromText(text, file, overrides, dev.sparkptq.config.FileChecks.CHECK);
        } catch (java.io.FileNotFoundException e) {
            throw new ConfigException("config file " + file + " does not exist", e);
        } catch (java.io.IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code --resume DIR}: the interrupted accuracy-aware run's output folder is this run's. */
    private static Location resumeDir(Args a, PtqConfig config) {
        if (config.compression().algorithms().get(0).accuracyAware() == null) {
            throw new ConfigException("--resume continues an AccuracyAwareQuantization run; this config runs "
                    + config.compression().algorithms().get(0).name());
        }
        Location dir = a.location("--resume");
        if (a.get("--output-dir") != null && !a.location("--output-dir").equals(dir)) {
            throw new ConfigException("--resume DIR writes into DIR; drop --output-dir or give the same folder");
        }
        return dir;
    }

    /** --output-dir as given; else POT's {@code results/<model>_<algorithm>/<timestamp>/} ({@code results/} with -d). */
    private static Location outputDir(Args a, PtqConfig config) {
        if (a.get("--output-dir") != null) {
            return a.location("--output-dir");
        }
        return Location.of(a.has("--direct-dump") ? Path.of("results") : defaultOutput(config));
    }

    /** POT's default layout: {@code results/<model_name>_<algorithm>/<timestamp>/}. */
    static Path defaultOutput(PtqConfig config) {
        AlgorithmSpec.Name algo = config.compression().algorithms().get(0).name();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"));
        return Path.of("results", config.model().modelName() + "_" + algo.name(), stamp);
    }
}

package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code spark-ptq benchmark inference}: models timed side by side, interleaved, printing ms/sample and ratios. */
final class BenchmarkCommand {
    static final String HELP = """
            usage: spark-ptq benchmark calibration --model M.onnx --data-source D [options]
              --config FILE     use this config's reader and algorithm (else inferred from the data)
              --tokenizer FILE  tokenizer.json for text data (default: next to the model)
              --samples N       calibration samples (default 200); the heap check also runs 10·N
              --output FILE     also write the JSON result to FILE
              Prints stats_over_inference per estimator, scaling_2_over_1 (local[1] vs local[2]) and
              heap_ratio_10n_over_n, all measured in this one process.

            usage: spark-ptq benchmark ranking --config AAQ.json [--samples N]   (see benchmark ranking --help)

            usage: spark-ptq benchmark inference --models A.onnx,B.onnx[,...] [options]

              --models LIST     models to time on the same inputs; ratios are relative to the first
              --config FILE     take inputs from this config's evaluation (or calibration) data;
                                without it, seeded random inputs (models with fixed float inputs only)
              --samples N       inputs per round (default 50)
              --rounds R        interleaved rounds A,B,A,B,... (default 5); the median round counts
              --threads T       ONNX Runtime intra-op threads (default 1)
              --output FILE     also write the JSON result to FILE

            example:
              spark-ptq benchmark inference --models fp32.onnx,out/model.onnx --config conf/examples/squeezenet-imagenet.json
            """;

    private BenchmarkCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (!argv.isEmpty() && argv.get(0).equals("ranking")) {
            return RankingBenchmarkCommand.run(argv.subList(1, argv.size()), out, err);
        }
        if (!argv.isEmpty() && argv.get(0).equals("calibration")) {
            return calibration(argv.subList(1, argv.size()), out, err);
        }
        if (argv.isEmpty() || !argv.get(0).equals("inference")) {
            if (argv.contains("--help") || argv.contains("-h")) {
                out.print(HELP);
                return ExitCode.OK.code();
            }
            throw new ConfigException("benchmark needs a kind: 'benchmark inference --models A,B' or "
                    + "'benchmark calibration --model M --data-source D' (see --help)");
        }
        Args a = Args.parse("benchmark inference", argv.subList(1, argv.size()),
                Set.of("--models", "--config", "--samples", "--rounds", "--threads", "--output"),
                Set.of("--verbose", "--help"), Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        if (a.get("--models") == null) {
            throw new ConfigException("benchmark inference needs --models A.onnx,B.onnx");
        }
        List<Path> models = Arrays.stream(a.get("--models").split(",")).map(String::strip).map(Path::of).toList();
        int samples = a.positiveInt("--samples", 50);
        int threads = a.positiveInt("--threads", 1);
        List<java.util.Map<String, Tensor>> inputs = a.get("--config") != null
                ? InferenceBenchmark.inputsFromConfig(ConfigLoader.load(Path.of(a.get("--config")),
                ConfigOverrides.none()), models.get(0), samples)
                : InferenceBenchmark.randomInputs(models.get(0), samples, 0L);
        InferenceBenchmark.Result r = InferenceBenchmark.run(models, inputs, threads, a.positiveInt("--rounds", 5));
        String json = toJson(r);
        out.print(json);
        write(a.get("--output"), json);
        return ExitCode.OK.code();
    }

    static int calibration(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("benchmark calibration", argv, Set.of("--model", "--data-source", "--config",
                "--tokenizer", "--samples", "--output"), Set.of("--verbose", "--help"), Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        var config = QuickConfig.config(a.path("--config"), a.path("--model"),
                a.path("--data-source"), a.path("--tokenizer"));
        Path work = dev.sparkptq.pipeline.Scratch.create();
        try {
            var r = CalibrationBenchmark.run(config, CalibrationBenchmark.variants(config),
                    a.positiveInt("--samples", 200), work, err);
            String json = calibrationJson(r);
            out.print(json);
            write(a.get("--output"), json);
            return ExitCode.OK.code();
        } finally {
            dev.sparkptq.pipeline.Scratch.delete(work);
        }
    }

    static String calibrationJson(CalibrationBenchmark.Result r) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("benchmark", "calibration");
        root.put("samples", r.samples());
        root.put("partitions", r.partitions());
        ObjectNode ratios = root.putObject("stats_over_inference");
        r.statsOverInference().forEach(ratios::put);
        ObjectNode ms = root.putObject("ms_per_sample_local2");
        r.msPerSample().forEach(ms::put);
        root.put("scaling_2_over_1", r.scaling2Over1());
        root.put("heap_ratio_10n_over_n", r.heapRatio10nOverN());
        root.put("heap_peak_live_bytes_n", r.heapPeakN());
        root.put("heap_peak_live_bytes_10n", r.heapPeak10n());
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new InternalException("cannot format the benchmark result", e);
        }
    }

    private static void write(String file, String json) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), json);
        } catch (IOException e) {
            throw new InternalException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String toJson(InferenceBenchmark.Result r) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("benchmark", "inference");
        root.put("threads", r.threads());
        root.put("samples", r.samples());
        root.put("rounds", r.rounds());
        ArrayNode list = root.putArray("models");
        double first = r.msPerSample().get(0);
        for (int i = 0; i < r.models().size(); i++) {
            ObjectNode m = list.addObject();
            m.put("model", r.models().get(i).toString());
            m.put("ms_per_sample", r.msPerSample().get(i));
            m.put("speedup_vs_first", first / r.msPerSample().get(i));
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new InternalException("cannot format the benchmark result", e);
        }
    }

}

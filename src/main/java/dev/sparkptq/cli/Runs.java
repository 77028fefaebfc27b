package dev.sparkptq.cli;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the pipeline on Spark with a scratch folder owned by the run, removed afterwards. */
final class Runs {
    private Runs() {
    }

    static RunResult quantize(PtqConfig config, Path outputDir, RunOptions.Evaluation evaluation, int threads,
                              String master, Path statistics, PrintStream log) {
        return quantize(config, outputDir, evaluation, threads, master, statistics, log, ProgressPrinter.Mode.OFF);
    }

    static RunResult quantize(PtqConfig config, Path outputDir, RunOptions.Evaluation evaluation, int threads,
                              String master, Path statistics, PrintStream log, ProgressPrinter.Mode progress) {
        Path work = scratch();
        try (LazySparkBackend backend = new LazySparkBackend(master, work.resolve("spark-local"),
                new ProgressPrinter(progress, log))) {
            QuantizationPipeline pipeline = new QuantizationPipeline(backend, m -> log.println("[spark-ptq] " + m));
            return pipeline.run(config, new RunOptions(outputDir, evaluation, threads, work, statistics));
        } finally {
            deleteTree(work);
        }
    }

    static Path scratch() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "spark-ptq-run-");
        } catch (IOException e) {
            throw new InternalException("cannot create a scratch folder under " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + "; set SPARK_PTQ_TMP to a writable folder", e);
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}

package dev.sparkptq.cli;

import dev.sparkptq.aaq.AccuracyAwareRun;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Location;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.Scratch;

import java.io.PrintStream;
import java.nio.file.Path;

/** Runs the pipeline on Spark with a scratch folder owned by the run, removed afterwards. */
final class Runs {
    private Runs() {
    }

    static RunResult quantize(PtqConfig config, Path outputDir, RunOptions.Evaluation evaluation, int threads,
                              String master, Path statistics, PrintStream log) {
        return quantize(config, Location.of(outputDir), evaluation, threads, master,
                statistics == null ? null : Location.of(statistics), log, ProgressPrinter.Mode.OFF);
    }

    static RunResult quantize(PtqConfig config, Location outputDir, RunOptions.Evaluation evaluation, int threads,
                              String master, Location statistics, PrintStream log, ProgressPrinter.Mode progress) {
        Path work = Scratch.create();
        try (LazySparkBackend backend = new LazySparkBackend(master, work.resolve("spark-local"),
                new ProgressPrinter(progress, log))) {
            QuantizationPipeline pipeline = new QuantizationPipeline(backend, m -> log.println("[spark-ptq] " + m));
            return pipeline.run(config, new RunOptions(outputDir, evaluation, threads, work, statistics));
        } finally {
            Scratch.delete(work);
        }
    }

    /** An AccuracyAwareQuantization run (always evaluates); {@code resume} continues the checkpoint in the folder. */
    static AccuracyAwareRun.Result accuracyAware(PtqConfig config, Location outputDir, int threads, String master,
                                                 boolean resume, PrintStream log, ProgressPrinter.Mode progress) {
        Path work = Scratch.create();
        try (LazySparkBackend backend = new LazySparkBackend(master, work.resolve("spark-local"),
                new ProgressPrinter(progress, log))) {
            return new AccuracyAwareRun(backend, m -> log.println("[spark-ptq] " + m)).run(config,
                    new RunOptions(outputDir, RunOptions.Evaluation.RUN, threads, work, null), resume);
        } finally {
            Scratch.delete(work);
        }
    }
}

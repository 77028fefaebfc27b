package dev.sparkptq.api;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.Scratch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * POT's {@code create_pipeline(algorithms, engine)}: quantizes a model with the engine's data and evaluates models
 * with the engine's metrics. The quantization is the CLI's (same planner, statistics, bias correction and report);
 * only where the samples come from differs. Immutable and reusable across models.
 */
public final class Pipeline {
    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());

    private final Algorithm algorithm;
    private final Engine engine;
    private final Consumer<String> log;

    private Pipeline(Algorithm algorithm, Engine engine, Consumer<String> log) {
        this.algorithm = algorithm;
        this.engine = engine;
        this.log = log;
    }

    /**
     * A pipeline of {@code algorithms} (this version runs exactly one, DefaultQuantization or MinMaxQuantization)
     * over {@code engine}.
     */
    public static Pipeline create(List<Algorithm> algorithms, Engine engine) {
        if (algorithms.size() != 1) {
            throw new ConfigException("Pipeline.create: exactly one algorithm (DefaultQuantization or "
                    + "MinMaxQuantization) is supported in this version, got " + algorithms.size());
        }
        return new Pipeline(algorithms.get(0), Objects.requireNonNull(engine, "engine"),
                line -> LOG.log(System.Logger.Level.INFO, line));
    }

    /** The same pipeline sending its progress lines to {@code log} (default: System.Logger at INFO). */
    public Pipeline withLog(Consumer<String> log) {
        return new Pipeline(algorithm, engine, Objects.requireNonNull(log, "log"));
    }

    /** Quantizes {@code model} with the engine's data and returns the quantized model. */
    public OnnxModel run(OnnxModel model) {
        Path out = Scratch.create();
        try {
            return ModelIo.load(run(model, out).model()).renamed(model.name());
        } finally {
            Scratch.delete(out);
        }
    }

    /**
     * Quantizes {@code model} and writes {@code model.onnx} and {@code report.json} (the CLI's report) into
     * {@code outputDir}, created if missing.
     */
    public RunResult run(OnnxModel model, Path outputDir) {
        Path work = Scratch.create();
        try {
            Path modelFile = work.resolve(model.name() + ".onnx");
            ModelIo.save(model, modelFile);
            PtqConfig config = algorithm.resolveForRun(modelFile, dev.sparkptq.graph.ModelIo.sha256(modelFile),
                    work.resolve(engine.dataLabel()), engine.partitions(), engine.speedGuard());
            RunOptions options = new RunOptions(outputDir, RunOptions.Evaluation.SKIP, engine.threadsPerTask(),
                    work);
            return TaskFailures.unwrapped(
                    () -> new QuantizationPipeline(engine.backend(), log, engine.source(model)).run(config, options));
        } finally {
            Scratch.delete(work);
        }
    }

    /** The engine's metrics over its data for {@code model}; see {@link Engine#evaluate(OnnxModel)}. */
    public Map<String, Double> evaluate(OnnxModel model) {
        return engine.evaluate(model);
    }
}

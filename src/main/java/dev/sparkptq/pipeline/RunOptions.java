package dev.sparkptq.pipeline;

import dev.sparkptq.core.Location;

import java.nio.file.Path;

/**
 * Per-run choices that are not part of the configuration.
 *
 * @param output      where model.onnx and report.json go (created if missing): a local folder or a URI
 * @param evaluation  whether to evaluate FP32 vs quantized after quantizing
 * @param threadsPerTask intra-op threads of each ONNX Runtime session (size to the task's cores)
 * @param workDir     scratch folder owned by this run (large models are staged here)
 * @param statistics  an earlier run's statistics.json to reuse instead of calibrating, or null
 */
public record RunOptions(Location output, Evaluation evaluation, int threadsPerTask, Path workDir,
                         Location statistics) {
    public enum Evaluation { SKIP, RUN }

    /** Outputs and statistics on local paths. */
    public RunOptions(Path outputDir, Evaluation evaluation, int threadsPerTask, Path workDir, Path statistics) {
        this(Location.of(outputDir), evaluation, threadsPerTask, workDir,
                statistics == null ? null : Location.of(statistics));
    }

    public RunOptions(Path outputDir, Evaluation evaluation, int threadsPerTask, Path workDir) {
        this(outputDir, evaluation, threadsPerTask, workDir, null);
    }

    /** The output folder's local path (the output must be local). */
    public Path outputDir() {
        return output.path();
    }
}

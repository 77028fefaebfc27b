package dev.sparkptq.pipeline;

import java.nio.file.Path;

/**
 * Per-run choices that are not part of the configuration.
 *
 * @param outputDir   where model.onnx and report.json go (created if missing)
 * @param evaluation  whether to evaluate FP32 vs quantized after quantizing
 * @param threadsPerTask intra-op threads of each ONNX Runtime session (size to the task's cores)
 * @param workDir     scratch folder owned by this run (large models are staged here)
 * @param statistics  an earlier run's statistics.json to reuse instead of calibrating, or null
 */
public record RunOptions(Path outputDir, Evaluation evaluation, int threadsPerTask, Path workDir, Path statistics) {
    public enum Evaluation { SKIP, RUN }

    public RunOptions(Path outputDir, Evaluation evaluation, int threadsPerTask, Path workDir) {
        this(outputDir, evaluation, threadsPerTask, workDir, null);
    }
}

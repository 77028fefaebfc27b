package dev.sparkptq.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * POT's {@code engine} section. spark-ptq's engine is always ONNX Runtime on Spark; {@code type} keeps POT's
 * {@code simplified} name for data given as a folder.
 *
 * @param dataSource     calibration data (folder or file), absolute
 * @param evalDataSource evaluation data, absolute, or {@code null} to evaluate on the calibration data source
 * @param reader         how to turn files into model inputs
 * @param metrics        metrics computed by {@code --evaluate} (never empty once resolved)
 * @param numPartitions  Spark partitions for the sample dataset
 * @param evalSubsetSize evaluation samples to use, {@code null} for all
 * @param sqnrSamples    evaluation samples the per-layer quantization error (SQNR) pass runs on with
 *                       {@code --evaluate}; 0 turns the pass off
 * @param speedGuard     time FP32 against the quantized model after quantizing and never write a slower model
 *                       ({@code engine.speed_guard}, default true)
 */
public record EngineSection(String type, Path dataSource, Path evalDataSource, ReaderSpec reader,
                            List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize,
                            int sqnrSamples, boolean speedGuard) implements Serializable {
    /** Enough samples for stable per-layer SQNR at a small fraction of the evaluation's cost. */
    public static final int DEFAULT_SQNR_SAMPLES = 32;

    public EngineSection {
        metrics = List.copyOf(metrics);
    }
}

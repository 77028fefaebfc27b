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
 * @param skipBadSamples leave undecodable sample files (truncated or corrupt images, damaged NPY files) out and
 *                       report them, instead of failing the run (exit 4) on the first one
 */
public record EngineSection(String type, Path dataSource, Path evalDataSource, ReaderSpec reader,
                            List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize,
                            int sqnrSamples, boolean skipBadSamples) implements Serializable {
    /** Enough samples for stable per-layer SQNR at a small fraction of the evaluation's cost. */
    public static final int DEFAULT_SQNR_SAMPLES = 32;

    public EngineSection {
        metrics = List.copyOf(metrics);
    }

    /** A section that fails on bad sample files (the default). */
    public EngineSection(String type, Path dataSource, Path evalDataSource, ReaderSpec reader,
                         List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize, int sqnrSamples) {
        this(type, dataSource, evalDataSource, reader, metrics, numPartitions, evalSubsetSize, sqnrSamples, false);
    }
}

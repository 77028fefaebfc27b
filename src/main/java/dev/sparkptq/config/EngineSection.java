package dev.sparkptq.config;

import dev.sparkptq.core.Location;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * POT's {@code engine} section. spark-ptq's engine is always ONNX Runtime on Spark; {@code type} keeps POT's
 * {@code simplified} name for data given as a folder.
 *
 * @param data           calibration data (folder, file or table location; a local path or a URI), absolute; null
 *                       for a catalog table ({@code reader.table})
 * @param evalData       evaluation data, absolute, or {@code null} to evaluate on the calibration data source
 * @param reader         how to turn files into model inputs
 * @param metrics        metrics computed by {@code --evaluate} (never empty once resolved)
 * @param numPartitions  Spark partitions for the sample dataset
 * @param evalSubsetSize evaluation samples to use, {@code null} for all
 * @param sqnrSamples    evaluation samples the per-layer quantization error (SQNR) pass runs on with
 *                       {@code --evaluate}; 0 turns the pass off
 * @param skipBadSamples leave undecodable sample files (truncated or corrupt images, damaged NPY files) out and
 *                       report them, instead of failing the run (exit 4) on the first one
 * @param speedGuard     time FP32 against the quantized model after quantizing and never write a slower model
 *                       ({@code engine.speed_guard}, default true)
 * @param fidelityPlacement return the fused MAC ops that cost the worst output most to float until every output
 *                       meets the fidelity floors, before the speed guard ({@code engine.fidelity_placement},
 *                       default {@code floors})
 */
public record EngineSection(String type, Location data, Location evalData, ReaderSpec reader,
                            List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize,
                            int sqnrSamples, boolean skipBadSamples, boolean speedGuard,
                            FidelityMode fidelityPlacement)
        implements Serializable {
    /** {@code engine.fidelity_placement}: what the fused MAC ops kept in int8 must give (see EngineBinder's docs). */
    public enum FidelityMode {
        /** no placement by fidelity */
        OFF,
        /** every output at the floors, and no worse than with every fused MAC op in float */
        STRICT,
        /** every output at the floors (or, when out of reach, what every fused MAC op in float gives) */
        FLOORS
    }

    /** Enough samples for stable per-layer SQNR at a small fraction of the evaluation's cost. */
    public static final int DEFAULT_SQNR_SAMPLES = 32;

    public EngineSection {
        metrics = List.copyOf(metrics);
    }

    /** A section with the defaults: fails on bad sample files, speed guard on. */
    public EngineSection(String type, Location data, Location evalData, ReaderSpec reader,
                         List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize, int sqnrSamples) {
        this(type, data, evalData, reader, metrics, numPartitions, evalSubsetSize, sqnrSamples, false, true);
    }

    /** A section with the fidelity placement's default ({@code floors}). */
    public EngineSection(String type, Location data, Location evalData, ReaderSpec reader,
                         List<MetricSpec> metrics, int numPartitions, Integer evalSubsetSize, int sqnrSamples,
                         boolean skipBadSamples, boolean speedGuard) {
        this(type, data, evalData, reader, metrics, numPartitions, evalSubsetSize, sqnrSamples, skipBadSamples,
                speedGuard, FidelityMode.FLOORS);
    }

    /** This section with the speed guard on or off. */
    public EngineSection withSpeedGuard(boolean on) {
        return new EngineSection(type, data, evalData, reader, metrics, numPartitions, evalSubsetSize, sqnrSamples,
                skipBadSamples, on, fidelityPlacement);
    }

    /**
     * The calibration data's local path.
     *
     * @throws dev.sparkptq.core.ConfigException when it is on another file system (read {@link #data()} instead)
     */
    public Path dataSource() {
        return data == null ? null : data.path();
    }

    /** The evaluation data's local path, or null (see {@link #dataSource}). */
    public Path evalDataSource() {
        return evalData == null ? null : evalData.path();
    }

    /** The calibration data as reports name it: its location, or the catalog table the reader names. */
    public String dataName() {
        return data != null ? data.toString() : reader instanceof TableReaderSpec t ? "table " + t.table() : "";
    }

    /** The evaluation data as reports name it (the calibration data's name when there is no own one). */
    public String evaluationDataName() {
        if (evalData != null) {
            return evalData.toString();
        }
        return reader instanceof TableReaderSpec t && t.evalTable() != null ? "table " + t.evalTable() : dataName();
    }

    /**
     * The evaluation data: {@link #evalData} when given, else the calibration data (null when the evaluation data is
     * the catalog table of {@link #evaluationReader}).
     */
    public Location evaluationData() {
        if (evalData != null) {
            return evalData;
        }
        return reader instanceof TableReaderSpec t && t.evalTable() != null ? null : data;
    }

    /** The reader of the evaluation data: the reader, reading the table reader's {@code eval_table} when set. */
    public ReaderSpec evaluationReader() {
        if (evalData == null && reader instanceof TableReaderSpec t && t.evalTable() != null) {
            return new TableReaderSpec(t.format(), t.evalTable(), null, t.annotationColumn());
        }
        if (evalData != null && reader instanceof TableReaderSpec t && t.table() != null) {
            return new TableReaderSpec(t.format(), null, null, t.annotationColumn());
        }
        return reader;
    }
}

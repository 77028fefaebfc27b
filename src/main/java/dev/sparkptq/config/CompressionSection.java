package dev.sparkptq.config;

import java.io.Serializable;
import java.util.List;

/**
 * POT's {@code compression} section.
 *
 * @param targetDevice      which ops get quantized and how (POT's HW configs)
 * @param modelType         {@code null} or {@code transformer}
 * @param inplaceStatistics reduce statistics inside the ONNX graph where possible (POT default true)
 * @param algorithms        the pipeline, in order (never empty once resolved)
 */
public record CompressionSection(TargetDevice targetDevice, ModelType modelType, boolean inplaceStatistics,
                                 List<AlgorithmSpec> algorithms) implements Serializable {
    public CompressionSection {
        algorithms = List.copyOf(algorithms);
    }

    public enum TargetDevice { ANY, CPU, GPU, NPU }

    public enum ModelType { DEFAULT, TRANSFORMER }
}

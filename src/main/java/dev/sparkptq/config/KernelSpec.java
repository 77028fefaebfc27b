package dev.sparkptq.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which kernels quantized MatMul/Gemm ops run as, and how embedding tables are stored.
 *
 * @param matmulKernels   {@code matmul_kernels}
 * @param embeddingTables {@code embedding_tables}
 * @param parameterVectors {@code parameter_vectors}
 */
public record KernelSpec(MatMulKernels matmulKernels, EmbeddingTables embeddingTables,
                         ParameterVectors parameterVectors) implements Serializable {
    /** Outside transformers: the static plan as is; embedding tables int8; parameter vectors FP32. */
    public static final KernelSpec DEFAULT = new KernelSpec(MatMulKernels.STATIC, EmbeddingTables.INT8,
            ParameterVectors.FLOAT32);

    /**
     * Transformers: each MatMul/Gemm's kernel chosen by measurement; embedding tables int8; parameter vectors
     * float16.
     */
    public static final KernelSpec TRANSFORMER = new KernelSpec(MatMulKernels.AUTO, EmbeddingTables.INT8,
            ParameterVectors.FLOAT16);

    public KernelSpec {
        Objects.requireNonNull(matmulKernels, "matmulKernels");
        Objects.requireNonNull(embeddingTables, "embeddingTables");
        Objects.requireNonNull(parameterVectors, "parameterVectors");
    }

    /** Parameter vectors stored as FP32 (the setting before {@code parameter_vectors} existed). */
    public KernelSpec(MatMulKernels matmulKernels, EmbeddingTables embeddingTables) {
        this(matmulKernels, embeddingTables, ParameterVectors.FLOAT32);
    }

    /**
     * MatMul/Gemm with a constant weight. STATIC: the plan's Q/DQ (ranges from calibration). DYNAMIC: every such op
     * quantizes its input at run time (DynamicQuantizeLinear + MatMulInteger, as ONNX Runtime's dynamic
     * quantization). AUTO: per group of ops sharing an input, the faster of the two — or float when neither saves
     * time — as measured in ONNX Runtime on calibration samples, dynamic only where its output error stays within
     * 1 dB SQNR of static's.
     */
    public enum MatMulKernels { AUTO, STATIC, DYNAMIC }

    /** Gather on a constant float table (word/position/token-type embeddings): int8, or left FP32. */
    public enum EmbeddingTables { INT8, FLOAT }

    /**
     * Float initializers read only by elementwise Mul/Add/Sub/Div or as a Gather table (scales of dynamic kernels,
     * SmoothQuant factors, biases, LayerNorm parameters): stored as FLOAT16 behind a Cast that ONNX Runtime folds at
     * load, or left FP32.
     */
    public enum ParameterVectors { FLOAT16, FLOAT32 }
}

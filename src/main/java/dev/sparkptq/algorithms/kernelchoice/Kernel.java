package dev.sparkptq.algorithms.kernelchoice;

/** How one MatMul/Gemm with a constant weight runs in the quantized model. */
public enum Kernel {
    /** the plan's Q/DQ around input and weight, with ranges from calibration (ORT: MatMulIntegerToFloat) */
    STATIC,
    /** DynamicQuantizeLinear on the input at run time + MatMulInteger (ORT: DynamicQuantizeMatMul, bias inside) */
    DYNAMIC,
    /** no quantization: the FP32 op */
    FLOAT
}

/**
 * The integer-kernel share, a post-quantization measurement step: which share of the quantized model's
 * multiply-accumulates ONNX Runtime runs in integer kernels after its graph rewrites (a quantized op left behind a
 * DequantizeLinear runs in float, slower than FP32). Runs the runtime once on the driver through
 * {@link dev.sparkptq.step.Passes#engines()} and adds a report section; a failure is a warning, never a failed run.
 */
package dev.sparkptq.algorithms.kernels;

/**
 * Per-op kernel choice for MatMul/Gemm with a constant weight: static QDQ (the plan's quantizers, which ONNX Runtime
 * fuses into MatMulIntegerToFloat/QLinearMatMul), dynamic quantization in standard ONNX ops
 * (DynamicQuantizeLinear + MatMulInteger + scale Mul, fused by ONNX Runtime into its dynamic kernels with the bias
 * inside), or float — decided per group of ops that read one activation (they share its quantizer) by the latency
 * and the output error measured on calibration samples.
 *
 * <p>Also embedding tables ({@link dev.sparkptq.algorithms.kernelchoice.EmbeddingTables}, {@code embedding_tables}):
 * a {@code Gather} along axis 0 of a constant float matrix (word, position and token-type embeddings) stored as int8
 * with one symmetric scale per tensor, per column (one DequantizeLinear after the gather) or per row (on a 256-level
 * grid, stored as a byte per row for large tables; a gather of the scales and a Mul), whichever is cheapest at run
 * time within 0.5 dB of the best table SQNR; only the rows a run reads are converted.
 *
 * <p>Two steps: {@link dev.sparkptq.algorithms.kernelchoice.KernelChoiceStep} decides before the Q/DQ rewrite (the
 * plan loses the quantizers of ops that run dynamic or float), {@link
 * dev.sparkptq.algorithms.kernelchoice.KernelRewriteStep} applies the dynamic rewrites and int8 tables to the
 * quantized model after it.
 *
 * <p>Invariants: {@link dev.sparkptq.algorithms.kernelchoice.KernelDecision} is pure (no runtime), so the rule is
 * tested on numbers alone; everything that runs a model goes through the {@code runtime} seam
 * ({@link dev.sparkptq.algorithms.kernelchoice.KernelProbe}); the output stays standard ONNX (no com.microsoft ops).
 * Same inputs and measurements → the same edits; the measured latencies themselves vary run to run, which is why the
 * decision, its figures and its reason are written into report.json.
 */
package dev.sparkptq.algorithms.kernelchoice;

/**
 * NNCF's SmoothQuant as a step before planning: per input channel of each weighted MatMul/Gemm, the activation's
 * outliers move into the weights ({@code s_j = max|X_j|^α / max|W_j|^(1−α)}), an FP32-exact rewrite of the float
 * model. Its statistics (per-channel abs-max) are of a probed copy of the model, so it collects them with a pass of
 * its own ({@link dev.sparkptq.step.Passes}). The group finding and scale math live in {@code plan}
 * ({@link dev.sparkptq.plan.SmoothQuantGroups}, {@link dev.sparkptq.plan.SmoothQuantScales}).
 */
package dev.sparkptq.algorithms.smoothquant;

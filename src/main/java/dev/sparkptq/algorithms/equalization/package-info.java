/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization and Bias
 * Correction"; AIMET's CLE): per-channel rescaling of two consecutive layers so that per-tensor quantization of the
 * activation between them, and per-channel quantization of their weights, lose less.
 *
 * <p>A {@link dev.sparkptq.algorithms.equalization.Link} is a producer layer (Conv) whose output channel {@code c} is
 * divided by {@code s_c > 0} and a consumer layer (Conv, grouped or depthwise, or ConvTranspose) whose input channel
 * {@code c} is multiplied by {@code s_c}, with only positively homogeneous per-channel ops between them ({@code f(x/s)
 * = f(x)/s} for every {@code s > 0}: Relu, LeakyRelu, PRelu, Clip without an upper bound, MaxPool, AveragePool,
 * zero Pad, Identity). The FP32 function is unchanged up to float rounding, which the tests check through ONNX Runtime.
 * {@link dev.sparkptq.algorithms.equalization.CrossLayerEqualization} is the pure API: the statistics it needs, then
 * model + statistics → equalized model + what it did. Invariants: only initializer values change (a bias-less
 * producer may gain a bias initializer for mean absorption); graph inputs, outputs, node names and op types stay.
 */
package dev.sparkptq.algorithms.equalization;

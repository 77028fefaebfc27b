/**
 * POT's bias correction, DefaultQuantization's last step: each quantized layer's bias is shifted so that its
 * quantized output mean per channel matches the FP32 one. Fast ({@link
 * dev.sparkptq.algorithms.biascorrection.FastBiasCorrection}, the default): closed form from FP32 means it requests
 * with the ranges (one pass). Full ({@link dev.sparkptq.algorithms.biascorrection.FullBiasCorrection},
 * {@code use_fast_bias: false}): passes of its own over the quantized model, one per level of dependent layers. The
 * corrected biases are state corrections, which a candidate that reverts their layer does not take.
 */
package dev.sparkptq.algorithms.biascorrection;

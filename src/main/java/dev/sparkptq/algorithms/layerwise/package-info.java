/**
 * POT's {@code use_layerwise_tuning}, closed form, after MinMax: each layer's weight levels and channel scales are
 * chosen to minimise its output error against FP32 on the quantized model's own inputs, level by level of dependent
 * layers. Its statistics are Gram matrices of paired FP32/quantized layer inputs, collected by distributed jobs of
 * its own ({@link dev.sparkptq.algorithms.layerwise.GramJob} through {@link dev.sparkptq.step.Passes}); the solver is
 * {@link dev.sparkptq.calibration.LayerwiseRounding}. The tuned weights go into the model to quantize, never into the
 * float model, so the statistics of the other steps stay valid.
 */
package dev.sparkptq.algorithms.layerwise;

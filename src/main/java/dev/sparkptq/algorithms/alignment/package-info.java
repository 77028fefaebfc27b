/**
 * POT's ActivationChannelAlignment, DefaultQuantization's first adjustment: Conv → Conv pairs without a nonlinearity
 * between get their producer's output channels re-centred and rescaled, the consumer absorbing the change, so that
 * per-tensor quantization of that activation wastes fewer levels. Declares its channel-range statistics, then
 * rewrites the float model (FP32-exact); the pair finding lives in {@link dev.sparkptq.plan.AlignmentPair}.
 */
package dev.sparkptq.algorithms.alignment;

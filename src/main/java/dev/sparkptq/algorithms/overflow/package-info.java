/**
 * The saturation (overflow) fix, POT's {@code saturation_fix} / NNCF's {@code OverflowFix}: the weight quantizers of
 * the chosen layers get 7-bit levels, still stored as INT8, so that a u8×s8 pair sum of VNNI-less integer kernels
 * cannot saturate int16. A plan change ({@link dev.sparkptq.plan.SevenBitWeights}), so every model rebuilt from the
 * plan keeps it.
 */
package dev.sparkptq.algorithms.overflow;

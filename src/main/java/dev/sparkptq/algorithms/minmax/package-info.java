/**
 * MinMax (POT's MinMaxQuantization, NNCF's MinMaxQuantization), as three steps: the quantizer setup
 * ({@link dev.sparkptq.algorithms.minmax.PlanStep}: which tensors get quantizers, graph-only), the calibration
 * statistics and the quantizer parameters that follow from them ({@link dev.sparkptq.algorithms.minmax.RangesStep}:
 * range estimators, then scale and zero point) and the Q/DQ rewrite ({@link dev.sparkptq.algorithms.minmax.QdqStep}).
 * The range math itself lives in {@code calibration}; the plan and its edits in {@code plan}.
 */
package dev.sparkptq.algorithms.minmax;

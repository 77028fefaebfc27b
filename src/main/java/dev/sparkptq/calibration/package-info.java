/**
 * Pure functions from statistics to ranges to quantization parameters, with POT/NNCF semantics.
 *
 * <p>{@link dev.sparkptq.calibration.RangeEstimators} says which statistics a tensor's range estimator needs
 * (as data, so one Spark pass can collect them) and turns their results, or a weight's values, into a
 * {@link dev.sparkptq.calibration.Range}; {@link dev.sparkptq.calibration.QuantParamsCalculator} turns a range into
 * a {@link dev.sparkptq.core.QuantParams} (scale, zero point, levels, storage type).
 *
 * <p>Invariants: no state, no I/O, no Spark/ONNX Runtime/Jackson. Every produced parameter set represents 0.0
 * exactly (the zero point is an integer inside the levels) and has a finite scale ≥ 1e-10. NaN never reaches the
 * calculator silently: non-finite weights are a ModelException, activation channels without a finite value a
 * DataException, a NaN range an InternalException.
 */
package dev.sparkptq.calibration;

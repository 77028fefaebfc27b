package dev.sparkptq.config;

import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;

import java.io.Serializable;

/**
 * The resolved scheme for weights or activations (POT's {@code weights}/{@code activations} blocks).
 *
 * @param bits        2–8, or 16
 * @param mode        symmetric or asymmetric
 * @param granularity per tensor or per channel
 * @param levelLow    lowest integer level, {@code null} = the default for bits/mode/signedness
 * @param levelHigh   highest integer level, {@code null} = the default
 * @param rangeEstimator how min and max are estimated from statistics
 */
public record TensorQuantSpec(int bits, QuantScheme mode, Granularity granularity, Integer levelLow,
                              Integer levelHigh, RangeEstimatorSpec rangeEstimator) implements Serializable {
}

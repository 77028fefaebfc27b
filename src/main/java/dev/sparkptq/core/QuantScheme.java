package dev.sparkptq.core;

/** POT's {@code mode}: symmetric (zero point fixed at the middle or at 0) or asymmetric (free zero point). */
public enum QuantScheme {
    SYMMETRIC, ASYMMETRIC
}

package dev.sparkptq.core;

/** POT's {@code granularity}: one range per tensor or one per channel. */
public enum Granularity {
    PER_TENSOR, PER_CHANNEL
}

package dev.sparkptq.stats;

/**
 * One batch reduced per sample: {@code values[s]} is sample {@code s}'s vector (length 1 per tensor, or the number
 * of channels), with NaN where that sample or channel had no finite value.
 *
 * <p>The arrays are handed over, not copied (this is a hot-path, short-lived value).
 *
 * @param values    one vector per sample of the batch
 * @param nonFinite how many NaN/±Inf elements were skipped
 */
public record Reduced(double[][] values, long nonFinite) {
}

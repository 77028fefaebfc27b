package dev.sparkptq.api;

/**
 * What {@link Engine#statistics(OnnxModel, String...)} measured for one tensor over the engine's samples, from the
 * finite values only (non-finite ones are counted apart, as calibration does).
 *
 * @param tensor    the tensor's name
 * @param min       the smallest finite value of any sample
 * @param max       the largest finite value of any sample
 * @param absMax    the largest absolute finite value of any sample
 * @param mean      the mean over samples of each sample's mean (the mean of all values when samples have the same
 *                  shape)
 * @param samples   how many samples were measured
 * @param nonFinite how many NaN or infinite elements were skipped, over all samples
 */
public record TensorStatistics(String tensor, double min, double max, double absMax, double mean, long samples,
                               long nonFinite) {
}

/**
 * Mergeable calibration statistics, following the pattern spec → accumulator → result.
 *
 * <p>A {@link dev.sparkptq.stats.StatisticSpec} names a tensor, a per-sample statistic, a channel axis, an
 * aggregation across samples and an optional clipping value. {@link dev.sparkptq.stats.PerSampleReducer} turns one
 * batch of activations into one small vector per sample; a {@link dev.sparkptq.stats.StatAccumulator} folds those
 * vectors; {@link dev.sparkptq.stats.StatisticsSet} does both for every requested statistic of one pipeline step.
 * Histograms of every element ({@link dev.sparkptq.stats.HistogramSet}) come in two kinds: fixed edges from a
 * previous pass ({@link dev.sparkptq.stats.HistogramAccumulator}) and a power-of-two grid that needs no previous pass
 * and rides in the statistics pass ({@link dev.sparkptq.stats.GridHistogramAccumulator}); both merge exactly.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code merge} is associative and commutative and the empty accumulator is its identity, so every
 *       partitioning of the calibration data yields the same result (exactly for MIN/MAX and for the distribution
 *       aggregators up to their exact limit; for MEAN up to the last bits, thanks to compensated sums; for the
 *       distribution aggregators beyond the limit within the rank bounds documented on
 *       {@link dev.sparkptq.stats.Aggregation}).</li>
 *   <li>Nothing keeps activations beyond one batch: each is reduced per sample right away. MIN/MAX/MEAN keep
 *       O(channels) per statistic; the distribution aggregators (median, no-outlier means/medians, Hodges–Lehmann)
 *       keep one double per sample and channel up to 10,000 samples, then a REQ sketch of bounded size.</li>
 *   <li>NaN and ±Inf activations are skipped and counted, never propagated; a sample or channel with no finite
 *       value contributes nothing but a count.</li>
 *   <li>Classes shipped to Spark executors ({@link dev.sparkptq.stats.StatisticsSet} and the accumulators) hold
 *       only arrays, primitives, strings and enums — no records, lambdas or inner classes — because Kryo 4
 *       (the one Spark bundles) cannot write the fields of a Java record. They travel through Java serialization
 *       (registered with Kryo's JavaSerializer); REQ sketches, which are not Serializable, are written as their
 *       {@code toByteArray()} form by the accumulator's {@code writeObject}.</li>
 *   <li>JDK and {@code dev.sparkptq.core} only: no Spark, ONNX Runtime or Jackson.</li>
 * </ul>
 */
package dev.sparkptq.stats;

/**
 * Mergeable calibration statistics, following the pattern spec → accumulator → result.
 *
 * <p>A {@link dev.sparkptq.stats.StatisticSpec} names a tensor, a per-sample statistic, a channel axis, an
 * aggregation across samples and an optional clipping value. {@link dev.sparkptq.stats.PerSampleReducer} turns one
 * batch of activations into one small vector per sample; a {@link dev.sparkptq.stats.StatAccumulator} folds those
 * vectors; {@link dev.sparkptq.stats.StatisticsSet} does both for every requested statistic of one pipeline step.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code merge} is associative and commutative and the empty accumulator is its identity, so every
 *       partitioning of the calibration data yields the same result (exactly for MIN/MAX; for MEAN up to the
 *       last bits, thanks to compensated sums).</li>
 *   <li>Nothing keeps per-sample activations: memory is O(channels) per statistic, whatever the data size.</li>
 *   <li>NaN and ±Inf activations are skipped and counted, never propagated; a sample or channel with no finite
 *       value contributes nothing but a count.</li>
 *   <li>Classes shipped to Spark executors ({@link dev.sparkptq.stats.StatisticsSet} and the accumulators) hold
 *       only arrays, primitives, strings and enums — no records, lambdas or inner classes — because Kryo 4
 *       (the one Spark bundles) cannot write the fields of a Java record.</li>
 *   <li>JDK and {@code dev.sparkptq.core} only: no Spark, ONNX Runtime or Jackson.</li>
 * </ul>
 */
package dev.sparkptq.stats;

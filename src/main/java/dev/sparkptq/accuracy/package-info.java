/**
 * Evaluation metrics for the accuracy-aware search: what "accuracy" means for a model and how much quantization
 * cost. Plain Java; no Spark, ONNX Runtime or Jackson (the runtime hands in outputs as core tensors).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A {@link dev.sparkptq.accuracy.Metric} is a serializable value that scores one
 *       {@link dev.sparkptq.accuracy.EvalSample} at a time; the per-sample score is also what the ranking subset
 *       sorts by.</li>
 *   <li>Aggregation goes through {@link dev.sparkptq.accuracy.Metric#accumulate} into a
 *       {@link dev.sparkptq.accuracy.MetricAccumulator} whose merge is associative and
 *       commutative with the empty accumulator as identity, so any partitioning of the validation set gives the
 *       same value (to rounding, ~1e-15 relative, thanks to compensated summation). Metrics that are not means keep
 *       exact mergeable state instead: Spearman keeps every (cosine, gold) pair, mean IoU per-class pixel counts.</li>
 *   <li>Degenerate outputs have defined scores rather than NaN: a NaN logit is a wrong prediction, a non-finite
 *       cosine is 0, two zero vectors have cosine 1. NaN never reaches an aggregate, because the search compares
 *       aggregates and every comparison with NaN is false.</li>
 * </ul>
 */
package dev.sparkptq.accuracy;

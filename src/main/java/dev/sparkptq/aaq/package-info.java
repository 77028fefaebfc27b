/**
 * AccuracyAwareQuantization: starting from the base quantization, reverts the revert groups that hurt the metric
 * most until the drop is within {@code maximal_drop}. Candidates are always rebuilt from the FP32 model, the base
 * plan and the set of reverted groups ({@link dev.sparkptq.pipeline.CandidateRecipe}); the ranking round is one
 * backend job with one task per (group, subset shard). Layered above {@code pipeline}, below {@code spark}.
 */
package dev.sparkptq.aaq;

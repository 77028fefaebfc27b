/**
 * Plain-Java composition of a quantization run: load and prepare the model, select the calibration samples, run the
 * algorithm's steps ({@link dev.sparkptq.step.Step}; {@link dev.sparkptq.pipeline.StepRunner} merges their
 * statistics requests into shared passes, {@link dev.sparkptq.pipeline.StatisticsPass} decides how a pass reads each
 * tensor) → save → evaluate → report. Execution of per-sample work goes through
 * {@link dev.sparkptq.pipeline.StatisticsBackend}: {@link dev.sparkptq.pipeline.InProcessBackend} is the reference
 * implementation (plain loops, used by tests and as the definition of the right answer); the {@code spark} package
 * provides the distributed one. Both run the same {@link dev.sparkptq.pipeline.PartitionWorker} code per partition
 * and merge partition results in partition order, so they produce the same numbers for the same partitioning.
 */
package dev.sparkptq.pipeline;

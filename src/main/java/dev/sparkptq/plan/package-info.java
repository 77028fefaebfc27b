/**
 * Where quantizers go: {@link dev.sparkptq.plan.QuantizationPlanner} reads a {@link dev.sparkptq.graph.ModelGraph}
 * and the resolved scheme and produces an immutable {@link dev.sparkptq.plan.QuantizationPlan}: one
 * {@link dev.sparkptq.plan.QuantizationPoint} per quantized tensor, shared by every quantized consumer of that tensor.
 *
 * <p>Invariants: a plan never names a tensor that is not float, never puts a quantizer on a tensor that no quantized
 * op consumes, and lists points in a deterministic order (graph order of the first consumer, weights after the
 * activation of the same op). Plans are values: {@code without(...)} returns a new plan.
 */
package dev.sparkptq.plan;

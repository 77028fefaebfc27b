/**
 * Where quantizers go so that ONNX Runtime really runs the quantized ops as integer kernels, and what the runtime's
 * optimized graph says about the result.
 *
 * <p>{@link dev.sparkptq.graph.edit.OrtQdqLayout} rewrites Q/DQ edits into the layout ORT's fusions need
 * (exact: no dequantized value changes). {@code Placement} reads ORT's optimized
 * graph as data ({@code RuntimeGraph}) and names the quantizers that cost time
 * without feeding an integer kernel. Everything here is pure: the runtime calls stay behind
 * {@link dev.sparkptq.runtime.EngineFactory}, so every decision is testable with a graph built in code.
 */
package dev.sparkptq.placement;

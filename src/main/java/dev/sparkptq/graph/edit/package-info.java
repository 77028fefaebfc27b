/**
 * Graph edits as values and the one rewriter that applies them.
 *
 * <p>Planning code decides <em>what</em> to change and expresses it as {@link dev.sparkptq.graph.edit.GraphEdit}
 * values; {@link dev.sparkptq.graph.edit.GraphRewriter} applies a list of them to a copy of the model and then checks
 * the invariants in {@link dev.sparkptq.graph.edit.GraphInvariants}: graph input names unchanged, original outputs
 * kept (new ones only appended), every node input produced earlier in node order (so nodes stay topologically
 * sorted), unique node names and one producer per tensor. A violation is a bug, reported as an
 * {@link dev.sparkptq.core.InternalException}.
 *
 * <p>Generated names derive from the edited tensor ({@code <tensor>_scale}, {@code <tensor>_zero_point},
 * {@code <tensor>_quantized}, {@code <tensor>_dequantized}, ...) and get a {@code _<k>} suffix when taken, so the same
 * edits on the same model always give the same bytes.
 */
package dev.sparkptq.graph.edit;

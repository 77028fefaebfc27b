/**
 * Parameter vectors stored as IEEE half floats: the per-channel float tensors a quantized transformer still carries
 * next to its int8 weights (weight scales of dynamic kernels, SmoothQuant factors, biases, LayerNorm scale and shift,
 * per-row table scales) are written as FLOAT16 initializers, each behind one {@code Cast} to FLOAT.
 *
 * <p>Why: once the weights are int8 these vectors are what separates a file from the peers' (all-MiniLM-L6-v2: 372 KB
 * of float vectors, 1.6 % of the file), and they do not need 24 mantissa bits: the half-float rounding error
 * (at most 2<sup>−11</sup> relative) is ~1/20 of one int8 step of the tensors they scale. ONNX Runtime folds the
 * {@code Cast} of an initializer while it loads the model (constant folding runs before its fusions), so the graph it
 * runs — and its speed — is the one with FLOAT vectors.
 *
 * <p>Invariants: only float initializers read solely as an operand of elementwise {@code Mul/Add/Sub/Div} or as the
 * data of a {@code Gather}, with at least {@link dev.sparkptq.algorithms.halfvectors.HalfVectors#MIN_ELEMENTS}
 * elements, every value finite and at most 65504 in magnitude, the largest at least 2<sup>−10</sup> (values below
 * 2<sup>−14</sup>, e.g. a bias's near-zero entries, become subnormal halves with an absolute error of at most
 * 2<sup>−25</sup>), and not a graph input or output; weights, quantizer scales of Q/DQ pairs and scalars are never
 * touched. Pure (no runtime): same model → same bytes.
 */
package dev.sparkptq.algorithms.halfvectors;

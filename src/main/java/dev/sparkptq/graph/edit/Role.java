package dev.sparkptq.graph.edit;

/** What kind of tensor an {@link GraphEdit.InsertQdq} quantizes, which decides the shape of the rewrite. */
public enum Role {
    /** A run-time tensor: QuantizeLinear then DequantizeLinear in the graph. */
    ACTIVATION,
    /** A constant weight stored already quantized (integer initializer) feeding a DequantizeLinear. */
    WEIGHT_COMPRESSED,
    /** A constant weight kept in float with a QuantizeLinear/DequantizeLinear pair (POT's keep-uncompressed-weights). */
    WEIGHT_FLOAT
}

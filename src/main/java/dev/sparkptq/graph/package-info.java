/**
 * Read-only, indexed view of an ONNX model and the model's file I/O.
 *
 * <p>{@link dev.sparkptq.graph.ModelIo} turns a file into a self-contained in-memory {@code ModelProto} (external
 * data resolved, never reaching outside the model's folder) and back (external data written once the weights would
 * overflow protobuf's 2 GB limit). {@link dev.sparkptq.graph.ModelGraph} indexes one model: topological node order,
 * producers, consumers, constants and tensor types. {@code ModelIo.prepareForQuantization} normalizes a model
 * before planning: opset 7..12 converted to 13 ({@code OpsetUpgrade}, exact rewrites only), constant layout ops
 * folded ({@code ConstantFolding}), nodes uniquely named.
 *
 * <p>Invariants: nothing here mutates a proto it was given (protos are immutable; every change returns a new one);
 * every failure caused by the model file is a {@link dev.sparkptq.core.ModelException} with one readable line. This
 * package imports the ONNX protobuf classes but never ONNX Runtime, Spark or Jackson.
 */
package dev.sparkptq.graph;

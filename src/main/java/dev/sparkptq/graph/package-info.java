/**
 * Read-only, indexed view of an ONNX model and the model's file I/O.
 *
 * <p>{@link dev.sparkptq.graph.ModelIo} turns a file into a self-contained in-memory {@code ModelProto} (external
 * data resolved, never reaching outside the model's folder) and back (external data written once the weights would
 * overflow protobuf's 2 GB limit). {@link dev.sparkptq.graph.ModelGraph} indexes one model: topological node order,
 * producers, consumers, constants and tensor types. {@link dev.sparkptq.graph.ValueFacts} infers what the model
 * does not declare — element types, shapes, and the values of constant-only sub-graphs (evaluated in Java, no
 * runtime) — for the opset conversion ({@link dev.sparkptq.graph.OpsetConversion}: pre-opset_import models read at
 * opset 1, opset 1..12 converted to 13 by exact rewrites) and {@link dev.sparkptq.graph.ConstantFolding}. These are
 * the graph-only parts of model preparation ({@code algorithms.prepare}); {@code ModelIo.prepareForQuantization}
 * strings them together for callers that only need a normalized model.
 *
 * <p>Invariants: nothing here mutates a proto it was given (protos are immutable; every change returns a new one);
 * every failure caused by the model file is a {@link dev.sparkptq.core.ModelException} with one readable line. This
 * package imports the ONNX protobuf classes but never ONNX Runtime, Spark or Jackson.
 */
package dev.sparkptq.graph;

/**
 * Value types shared by every layer (tensors, sample ids, quantization parameters) and the exception hierarchy.
 *
 * <p>Invariants: JDK only; every type here is immutable or defensively copied and {@link java.io.Serializable}
 * so that it can travel to Spark executors. Nothing here knows about ONNX protobufs, ONNX Runtime, Spark or Jackson.
 */
package dev.sparkptq.core;

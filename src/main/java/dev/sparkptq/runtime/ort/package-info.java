/**
 * The ONNX Runtime implementation of the {@link dev.sparkptq.runtime.InferenceEngine} seam; the only package that
 * imports {@code ai.onnxruntime}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>One ORT session per (model digest, {@link dev.sparkptq.runtime.EngineOptions}) per JVM, created once even
 *       under concurrent opens ({@link dev.sparkptq.runtime.ort.OrtEngineFactory}); callers never close what they
 *       open, only {@code evict}/{@code closeAll} do.</li>
 *   <li>Every {@code OnnxTensor} and {@code OrtSession.Result} lives in a try-with-resources block: native memory
 *       is released when a run ends, whether it succeeds or fails.</li>
 *   <li>ORT's checked {@code OrtException} never leaves this package: a failed load becomes a
 *       {@link dev.sparkptq.core.ModelException}, a failed run a {@link dev.sparkptq.core.DataException}, each with
 *       one readable line.</li>
 * </ul>
 */
package dev.sparkptq.runtime.ort;

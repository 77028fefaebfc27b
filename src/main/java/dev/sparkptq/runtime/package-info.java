/**
 * The one seam between spark-ptq and an inference runtime: {@link dev.sparkptq.runtime.InferenceEngine}.
 * Only {@code runtime.ort} imports ONNX Runtime.
 */
package dev.sparkptq.runtime;

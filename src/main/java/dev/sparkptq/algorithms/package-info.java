/**
 * The algorithm registry ({@link dev.sparkptq.algorithms.Registry}) and, one sub-package each, the algorithms as
 * steps ({@link dev.sparkptq.step.Step}): {@code smoothquant}, {@code minmax}, {@code overflow}, {@code alignment},
 * {@code layerwise}, {@code biascorrection}, {@code kernels}. An algorithm package holds its step(s), its math and
 * its statistics spec, and imports no other algorithm package, no Spark, no ONNX Runtime and no Jackson (checked by
 * ArchitectureTest); what algorithms share lives in lower layers. The registry sits directly above them and below
 * the pipeline: it is the one place that names them, so the pipeline, the Spark layer (Kryo classes) and the
 * benchmarks (the calibration request) reach algorithms only through it.
 */
package dev.sparkptq.algorithms;

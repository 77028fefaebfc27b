/**
 * Model preparation: the graph passes that run before planning, as ONNX Runtime's {@code quant_pre_process} and
 * NNCF's ONNX graph passes prepare a model, so that a real export — weights in {@code Constant} nodes, unfolded
 * BatchNormalization, shape sub-graphs, legacy or FP16 models — is quantized like the models the tool was built
 * around, or refused with the real cause before any Spark job.
 *
 * <p>{@link dev.sparkptq.algorithms.prepare.ModelPreparation#prepare} runs the named steps in order; each is a pure
 * function (model in, model out plus a {@link dev.sparkptq.algorithms.prepare.StepRecord} of what it did: counts and
 * names, for report.json's {@code preparation} section and the log). Invariants every step keeps: graph input and
 * output names, what the model computes (exactly, or within float rounding for BatchNormalization folding), and
 * everything inside control-flow subgraphs, including the outer-scope values they read (names and contents). The
 * package imports neither Spark nor ONNX Runtime.
 */
package dev.sparkptq.algorithms.prepare;

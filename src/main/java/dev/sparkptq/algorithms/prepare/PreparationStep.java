package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;

/** One named graph transformation of model preparation: a pure function of the model. */
interface PreparationStep {
    /** Stable snake_case name (the {@link StepRecord#step()}). */
    String name();

    /**
     * The transformed model (the same instance when nothing changed) and what was done.
     *
     * @throws dev.sparkptq.core.ModelException when the model cannot be prepared, naming the cause and the fix
     */
    Result apply(OnnxMl.ModelProto model);

    /** A step's output. */
    record Result(OnnxMl.ModelProto model, StepRecord record) {
    }
}

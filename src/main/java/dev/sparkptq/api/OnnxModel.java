package dev.sparkptq.api;

import ai.onnx.proto.OnnxMl;

import java.util.Objects;

/**
 * An ONNX model held in memory with its external data resolved, so it can be quantized, evaluated and saved anywhere.
 * Immutable: every operation returns a new model.
 */
public final class OnnxModel {
    private final OnnxMl.ModelProto proto;
    private final String name;

    private OnnxModel(OnnxMl.ModelProto proto, String name) {
        this.proto = Objects.requireNonNull(proto, "proto");
        this.name = name == null || name.isBlank() ? "model" : name;
    }

    /** Wraps a model you built or edited yourself; {@code name} names report fields and output folders. */
    public static OnnxModel of(OnnxMl.ModelProto proto, String name) {
        return new OnnxModel(proto, name);
    }

    /** The ONNX protobuf (immutable). */
    public OnnxMl.ModelProto proto() {
        return proto;
    }

    /** The model's name: the file name without {@code .onnx} for a loaded model. */
    public String name() {
        return name;
    }

    /** The same model under another name. */
    public OnnxModel renamed(String newName) {
        return new OnnxModel(proto, newName);
    }

    @Override
    public String toString() {
        return "OnnxModel[" + name + ", " + proto.getGraph().getNodeCount() + " nodes]";
    }
}

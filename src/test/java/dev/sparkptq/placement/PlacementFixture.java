package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.graph.edit.Role;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;

/** Small models and Q/DQ edits for the placement tests, and a way to read ORT's optimized graph of a model. */
final class PlacementFixture {
    private PlacementFixture() {
    }

    /**
     * A BlazeFace-style residual block: x[1,8,16,16] → Conv c1 (1×1, 8→8) → a; x → Conv c2 (1×1) → b;
     * Add add(a, b) → Relu relu → r; r → Conv dw (3×3 depthwise, pads 1) → y1; r → MaxPool pool (2×2) → y2.
     */
    static OnnxMl.ModelProto residualBlock() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("residual")
                .addInput(floatInfo("x", 1, 8, 16, 16)).addOutput(floatInfo("y1", 1, 8, 16, 16))
                .addOutput(floatInfo("y2", 1, 8, 8, 8))
                .addInitializer(floats("W1", 11, 8, 8, 1, 1)).addInitializer(floats("W2", 12, 8, 8, 1, 1))
                .addInitializer(floats("W3", 13, 8, 1, 3, 3))
                .addNode(node("Conv", "c1", List.of("x", "W1"), List.of("a")))
                .addNode(node("Conv", "c2", List.of("x", "W2"), List.of("b")))
                .addNode(node("Add", "add", List.of("a", "b"), List.of("s")))
                .addNode(node("Relu", "relu", List.of("s"), List.of("r")))
                .addNode(node("Conv", "dw", List.of("r", "W3"), List.of("y1"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), intAttr("group", 8)))
                .addNode(node("MaxPool", "pool", List.of("r"), List.of("y2"), ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2)));
        return ModelIo.prepareForQuantization(dev.sparkptq.graph.TinyModels.model(13, g));
    }

    /** Per-tensor unsigned activation parameters (symmetric, ranges ≥ 0). */
    static QuantParams u8(float scale) {
        return new QuantParams(new float[]{scale}, new int[]{0}, -1, DType.UINT8, 0, 255);
    }

    /** Per-tensor signed activation parameters (symmetric, zero point 0). */
    static QuantParams s8(float scale) {
        return new QuantParams(new float[]{scale}, new int[]{0}, -1, DType.INT8, -128, 127);
    }

    /** Per-channel symmetric narrow int8 weight parameters. */
    static QuantParams weight(int channels, float scale) {
        float[] s = new float[channels];
        java.util.Arrays.fill(s, scale);
        return new QuantParams(s, new int[channels], 0, DType.INT8, -127, 127);
    }

    static GraphEdit.InsertQdq act(String tensor, QuantParams p, InputRef... consumers) {
        return new GraphEdit.InsertQdq(tensor, List.of(consumers), p, Role.ACTIVATION);
    }

    static GraphEdit.InsertQdq w(String tensor, QuantParams p, InputRef... consumers) {
        return new GraphEdit.InsertQdq(tensor, List.of(consumers), p, Role.WEIGHT_COMPRESSED);
    }

    static InputRef in(String node, int index) {
        return new InputRef(node, index);
    }

    /** The graph ONNX Runtime executes for {@code model} (optimization level ALL, one thread). */
    static RuntimeGraph optimized(OnnxMl.ModelProto model, Path tmp) throws IOException {
        byte[] bytes = ModelIo.toBytes(model);
        Path out = Files.createTempFile(tmp, "optimized", ".onnx");
        new OrtEngineFactory().writeOptimized(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes),
                EngineOptions.forInference(1), out);
        return RuntimeGraph.of(ModelIo.load(out));
    }
}

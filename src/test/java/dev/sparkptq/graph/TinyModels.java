package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.sparkptq.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small ONNX models built in code for tests of every package, plus the builder helpers they use. Weights are seeded
 * uniform values in [-1, 1), so every call returns the same model.
 */
public final class TinyModels {
    public static final long SEED = 20240611L;

    private TinyModels() {
    }

    /**
     * convReluConv followed by a Reshape of its [1,2,8,8] output to [5,7]: a model the tool accepts that ONNX Runtime
     * cannot run (35 elements requested, 128 given).
     */
    public static OnnxMl.ModelProto reshapeThatCannotRun() {
        OnnxMl.ModelProto m = convReluConv();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().clearOutput().addOutput(floatInfo("z", 5, 7))
                .addInitializer(longs("shape", new long[] {5, 7}))
                .addNode(node("Reshape", "reshape", List.of("y", "shape"), List.of("z")));
        return m.toBuilder().setGraph(g).build();
    }

    /** x[1,3,8,8] → Conv conv1 (W1[16,3,3,3], B1[16], pads 1) → Relu relu1 → Conv conv2 (W2[2,16,1,1], B2[2]) → y.
     * W1 (1728 bytes) is large enough to go to external data; B1 is not. */
    public static OnnxMl.ModelProto convReluConv() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("conv_relu_conv")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 2, 8, 8))
                .addInitializer(floats("W1", SEED, 16, 3, 3, 3)).addInitializer(floats("B1", SEED + 1, 16))
                .addInitializer(floats("W2", SEED + 2, 2, 16, 1, 1)).addInitializer(floats("B2", SEED + 3, 2))
                .addNode(node("Conv", "conv1", List.of("x", "W1", "B1"), List.of("c1"),
                        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "relu1", List.of("c1"), List.of("r1")))
                .addNode(node("Conv", "conv2", List.of("r1", "W2", "B2"), List.of("y"), ints("kernel_shape", 1, 1)));
        return model(13, g);
    }

    /** convReluConv with a second 1×1 head on the shared ReLU: outputs y [1,2,8,8] and z [1,4,8,8]. */
    public static OnnxMl.ModelProto twoHeads() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("two_heads")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 2, 8, 8))
                .addOutput(floatInfo("z", 1, 4, 8, 8))
                .addInitializer(floats("W1", SEED, 16, 3, 3, 3)).addInitializer(floats("B1", SEED + 1, 16))
                .addInitializer(floats("W2", SEED + 2, 2, 16, 1, 1)).addInitializer(floats("B2", SEED + 3, 2))
                .addInitializer(floats("W3", SEED + 7, 4, 16, 1, 1)).addInitializer(floats("B3", SEED + 8, 4))
                .addNode(node("Conv", "conv1", List.of("x", "W1", "B1"), List.of("c1"),
                        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "relu1", List.of("c1"), List.of("r1")))
                .addNode(node("Conv", "conv2", List.of("r1", "W2", "B2"), List.of("y"), ints("kernel_shape", 1, 1)))
                .addNode(node("Conv", "conv3", List.of("r1", "W3", "B3"), List.of("z"), ints("kernel_shape", 1, 1)));
        return model(13, g);
    }

    /** x[2,4] → MatMul matmul (B[4,5]) → y[2,5]. */
    public static OnnxMl.ModelProto matMulConstB() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("matmul_const")
                .addInput(floatInfo("x", 2, 4)).addOutput(floatInfo("y", 2, 5))
                .addInitializer(floats("B", SEED + 4, 4, 5))
                .addNode(node("MatMul", "matmul", List.of("x", "B"), List.of("y")));
        return model(13, g);
    }

    /** x[2,4] → Gemm gemm (W[5,4], transB=1, C[5]) → y[2,5]. */
    public static OnnxMl.ModelProto gemmTransB() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("gemm")
                .addInput(floatInfo("x", 2, 4)).addOutput(floatInfo("y", 2, 5))
                .addInitializer(floats("W", SEED + 5, 5, 4)).addInitializer(floats("C", SEED + 6, 5))
                .addNode(node("Gemm", "gemm", List.of("x", "W", "C"), List.of("y"), intAttr("transB", 1)));
        return model(13, g);
    }

    /** a[2,3], b[3,4] → MatMul matmul → y[2,4]. */
    public static OnnxMl.ModelProto matMulTwoActivations() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("matmul_act")
                .addInput(floatInfo("a", 2, 3)).addInput(floatInfo("b", 3, 4)).addOutput(floatInfo("y", 2, 4))
                .addNode(node("MatMul", "matmul", List.of("a", "b"), List.of("y")));
        return model(13, g);
    }

    /** a[2,3], b[2,3] → Add add → y[2,3]. */
    public static OnnxMl.ModelProto addTwoActivations() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("add_act")
                .addInput(floatInfo("a", 2, 3)).addInput(floatInfo("b", 2, 3)).addOutput(floatInfo("y", 2, 3))
                .addNode(node("Add", "add", List.of("a", "b"), List.of("y")));
        return model(13, g);
    }

    /**
     * An old-style opset 8 / IR 3 model with unnamed nodes and initializers also listed as graph inputs:
     * x[1,3,8,8] → Conv (W[4,3,3,3], B[4], pads 1) → Relu → MaxPool 2x2 → Reshape [1,-1] → MatMul (Wfc[64,5])
     * → Add (bfc[5]) → y[1,5]. Every op is on the opset-13 whitelist.
     */
    public static OnnxMl.ModelProto opset8() {
        return opset8(List.of());
    }

    /** {@link #opset8()} followed by Softmax (axis 1 of a rank-2 input; its axis semantics changed at opset 13). */
    public static OnnxMl.ModelProto opset8WithSoftmax() {
        return opset8(List.of(node("Softmax", "", List.of("y"), List.of("probs"), intAttr("axis", 1))));
    }

    /** {@link #opset8()} followed by {@code tail}, which reads {@code y} and writes the graph output {@code probs}. */
    public static OnnxMl.ModelProto opset8With(OnnxMl.NodeProto tail) {
        return opset8(List.of(tail));
    }

    private static OnnxMl.ModelProto opset8(List<OnnxMl.NodeProto> tail) {
        List<OnnxMl.TensorProto> inits = List.of(floats("W", SEED + 7, 4, 3, 3, 3), floats("B", SEED + 8, 4),
                longs("shape", new long[] {1, -1}), floats("Wfc", SEED + 9, 64, 5), floats("bfc", SEED + 10, 5));
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("opset8")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addAllInitializer(inits)
                .addNode(node("Conv", "", List.of("x", "W", "B"), List.of("c"), ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "", List.of("c"), List.of("r")))
                .addNode(node("MaxPool", "", List.of("r"), List.of("p"), ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2)))
                .addNode(node("Reshape", "", List.of("p", "shape"), List.of("flat")))
                .addNode(node("MatMul", "", List.of("flat", "Wfc"), List.of("mm")))
                .addNode(node("Add", "", List.of("mm", "bfc"), List.of("y")))
                .addAllNode(tail);
        for (OnnxMl.TensorProto t : inits) {
            g.addInput(info(t.getName(), t.getDataType(), t.getDimsList().stream().mapToLong(Long::longValue)
                    .toArray()));
        }
        g.addOutput(floatInfo(tail.isEmpty() ? "y" : "probs", 1, 5));
        return model(8, g).toBuilder().setIrVersion(3).build();
    }

    // ---- builder helpers -------------------------------------------------------------------------------------

    public static OnnxMl.ModelProto model(int opset, OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(opset >= 13 ? 7 : 3).setProducerName("TinyModels")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public static OnnxMl.NodeProto node(String op, String name, List<String> inputs, List<String> outputs,
                                        OnnxMl.AttributeProto... attrs) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addAllOutput(outputs)
                .addAllAttribute(Arrays.asList(attrs)).build();
    }

    public static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    public static OnnxMl.AttributeProto floatAttr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    public static OnnxMl.AttributeProto stringAttr(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static OnnxMl.ValueInfoProto floatInfo(String name, long... shape) {
        return info(name, OnnxMl.TensorProto.DataType.FLOAT_VALUE, shape);
    }

    public static OnnxMl.ValueInfoProto info(String name, int elemType, long... shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    /** Float initializer with seeded uniform values in [-1, 1). */
    public static OnnxMl.TensorProto floats(String name, long seed, long... shape) {
        return TensorProtos.fromTensor(name, randomTensor(seed, shape));
    }

    public static OnnxMl.TensorProto longs(String name, long[] values) {
        return TensorProtos.fromTensor(name, Tensor.ofLongs(new long[] {values.length}, values));
    }

    public static Tensor randomTensor(long seed, long... shape) {
        return Tensor.ofFloats(shape, randomFloats((int) Tensor.numel(shape), seed));
    }

    public static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return out;
    }

    /** Names of the nodes, in order. */
    public static List<String> nodeNames(OnnxMl.ModelProto m) {
        List<String> out = new ArrayList<>();
        m.getGraph().getNodeList().forEach(n -> out.add(n.getName()));
        return out;
    }
}

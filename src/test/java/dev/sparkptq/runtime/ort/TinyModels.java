package dev.sparkptq.runtime.ort;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sparkptq.core.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tiny ONNX models built in code for runtime tests (opset 13, IR 8). Dimensions: a String is symbolic. */
final class TinyModels {
    private TinyModels() {
    }

    /** y = x + 1, x: FLOAT[N, 3]. */
    static byte[] addOne() {
        return model(graph("add_one")
                .addInitializer(floats("one", new long[] {1}, 1f))
                .addNode(node("Add", List.of("x", "one"), List.of("y")))
                .addInput(value("x", DType.FLOAT, "N", 3L))
                .addOutput(value("y", DType.FLOAT, "N", 3L)));
    }

    /** y = x * 2, x: INT64[2]. */
    static byte[] timesTwoInt64() {
        TensorProto two = TensorProto.newBuilder().setName("two").setDataType(DType.INT64.onnxType())
                .addDims(1).addInt64Data(2).build();
        return model(graph("times_two")
                .addInitializer(two)
                .addNode(node("Mul", List.of("x", "two"), List.of("y")))
                .addInput(value("x", DType.INT64, 2L))
                .addOutput(value("y", DType.INT64, 2L)));
    }

    /** a = x + 1 and b = x * 10, x: FLOAT[2]; outputs declared in the order a, b. */
    static byte[] twoOutputs() {
        return model(graph("two_outputs")
                .addInitializer(floats("one", new long[] {1}, 1f))
                .addInitializer(floats("ten", new long[] {1}, 10f))
                .addNode(node("Add", List.of("x", "one"), List.of("a")))
                .addNode(node("Mul", List.of("x", "ten"), List.of("b")))
                .addInput(value("x", DType.FLOAT, 2L))
                .addOutput(value("a", DType.FLOAT, 2L))
                .addOutput(value("b", DType.FLOAT, 2L)));
    }

    /** y = Identity(x) for one element type, x: T[N]. */
    static byte[] identity(DType type) {
        return model(graph("identity_" + type)
                .addNode(node("Identity", List.of("x"), List.of("y")))
                .addInput(value("x", type, "N"))
                .addOutput(value("y", type, "N")));
    }

    /** y = Cast(x) from one element type to another, x: FROM[N]. */
    static byte[] cast(DType from, DType to) {
        NodeProto cast = node("Cast", List.of("x"), List.of("y")).toBuilder()
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to").setI(to.onnxType())
                        .setType(OnnxMl.AttributeProto.AttributeType.INT))
                .build();
        return model(graph("cast")
                .addNode(cast)
                .addInput(value("x", from, "N"))
                .addOutput(value("y", to, "N")));
    }

    /**
     * y = x + w with the initializer w = [10, 20, 30] stored in {@code dir/weights.bin} (external data); the model
     * is written to {@code dir/model.onnx} and its path returned.
     */
    static Path withExternalWeights(Path dir) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        raw.putFloat(10f).putFloat(20f).putFloat(30f);
        Files.write(dir.resolve("weights.bin"), raw.array());
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(DType.FLOAT.onnxType()).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "weights.bin"))
                .addExternalData(entry("offset", "0"))
                .addExternalData(entry("length", "12"))
                .build();
        byte[] bytes = model(graph("external")
                .addInitializer(w)
                .addNode(node("Add", List.of("x", "w"), List.of("y")))
                .addInput(value("x", DType.FLOAT, 3L))
                .addOutput(value("y", DType.FLOAT, 3L)));
        Path model = dir.resolve("model.onnx");
        Files.write(model, bytes);
        return model;
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static GraphProto.Builder graph(String name) {
        return GraphProto.newBuilder().setName(name);
    }

    private static byte[] model(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("spark-ptq-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static NodeProto node(String op, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().setOpType(op).setName(op + "_" + outputs.get(0))
                .addAllInput(inputs).addAllOutput(outputs).build();
    }

    private static TensorProto floats(String name, long[] dims, float... values) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(DType.FLOAT.onnxType());
        for (long d : dims) {
            b.addDims(d);
        }
        for (float v : values) {
            b.addFloatData(v);
        }
        return b.build();
    }

    /** Value info; each dim is a Long (fixed) or a String (symbolic). */
    private static ValueInfoProto value(String name, DType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue((Long) d);
            }
            shape.addDim(dim);
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.onnxType()).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}

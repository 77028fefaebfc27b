package dev.sparkptq.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrepareForQuantizationTest {
    private static final Map<String, Tensor> INPUT = Map.of("x", TinyModels.randomTensor(11, 1, 3, 8, 8));
    /** An op the opset converter does not know (random sampling). */
    private static final OnnxMl.NodeProto UNCONVERTIBLE = TinyModels.node("Multinomial", "sampler", List.of("y"),
            List.of("probs"));

    @Test
    void whitelistedOpset8ModelBecomesOpset13AndComputesTheSame() {
        OnnxMl.ModelProto old = TinyModels.opset8();
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(old);

        assertEquals(13, ModelIo.opset(prepared));
        assertTrue(ModelIo.supportsPerChannel(prepared));
        assertTrue(prepared.getIrVersion() >= 7);
        assertEquals(List.of("x"), prepared.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName)
                .toList(), "initializers are no longer listed as graph inputs");
        assertArrayEquals(OrtRunner.run(old, INPUT).get("y"), OrtRunner.run(prepared, INPUT).get("y"));
    }

    @Test
    void inputModelIsNotModified() {
        OnnxMl.ModelProto old = TinyModels.opset8();
        OnnxMl.ModelProto copy = OnnxMl.ModelProto.newBuilder(old).build();
        ModelIo.prepareForQuantization(old);
        assertEquals(copy, old);
        assertEquals(8, ModelIo.opset(old));
    }

    @Test
    void unnamedNodesGetDeterministicOpTypeNames() {
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(TinyModels.opset8());
        assertEquals(List.of("Conv_1", "Relu_1", "MaxPool_1", "Reshape_1", "MatMul_1", "Add_1"),
                TinyModels.nodeNames(prepared));
        assertEquals(prepared, ModelIo.prepareForQuantization(TinyModels.opset8()));
    }

    @Test
    void duplicateAndClashingNamesAreMadeUnique() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("d", 2))
                .addNode(TinyModels.node("Relu", "Relu_1", List.of("x"), List.of("a")))
                .addNode(TinyModels.node("Relu", "", List.of("a"), List.of("b")))
                .addNode(TinyModels.node("Relu", "dup", List.of("b"), List.of("c")))
                .addNode(TinyModels.node("Relu", "dup", List.of("c"), List.of("d")));
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(TinyModels.model(13, g));
        List<String> names = TinyModels.nodeNames(prepared);
        assertEquals(List.of("Relu_1", "Relu_2", "dup", "dup_1"), names);
        assertEquals(names.size(), new HashSet<>(names).size());
    }

    @Test
    void opset8ModelWithSoftmaxIsConvertedToOpset13AndComputesTheSame() {
        OnnxMl.ModelProto old = TinyModels.opset8WithSoftmax();
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(old);
        assertEquals(13, ModelIo.opset(prepared));
        assertArrayEquals(OrtRunner.run(old, INPUT).get("probs"), OrtRunner.run(prepared, INPUT).get("probs"),
                1e-6f);
    }

    @Test
    void opset8ModelWithAnUnconvertibleOpIsRejectedWithConversionAdvice() {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelIo.prepareForQuantization(TinyModels.opset8With(UNCONVERTIBLE)));
        assertTrue(e.getMessage().contains("Multinomial node 'sampler'") && e.getMessage().contains("version_converter"),
                e.getMessage());
    }

    @Test
    void opset11ModelWithAnUnconvertibleOpKeepsItsOpsetAndLosesPerChannel() {
        OnnxMl.ModelProto m = withOpset(TinyModels.opset8With(UNCONVERTIBLE), 11);
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(m);
        assertEquals(11, ModelIo.opset(prepared));
        assertFalse(ModelIo.supportsPerChannel(prepared));
        assertTrue(prepared.getIrVersion() >= 6);
    }

    @Test
    void batchNormWithSpatialZeroBlocksRelabelling() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 1, 2, 2))
                .addOutput(TinyModels.floatInfo("y", 1, 2, 2));
        for (String n : List.of("s", "b", "m", "v")) {
            g.addInitializer(TinyModels.floats(n, 1, 2, 2));
        }
        g.addNode(TinyModels.node("BatchNormalization", "bn", List.of("x", "s", "b", "m", "v"), List.of("y"),
                TinyModels.intAttr("spatial", 0)));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelIo.prepareForQuantization(TinyModels.model(8, g)));
        assertTrue(e.getMessage().contains("BatchNormalization"), e.getMessage());
    }

    @Test
    void opsetsAboveTwentyThreeAreRejected() {
        OnnxMl.ModelProto m = withOpset(TinyModels.matMulConstB(), 24);
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.prepareForQuantization(m));
        assertTrue(e.getMessage().contains("opset 24"), e.getMessage());
    }

    @Test
    void aModelImportingNoVersionOfTheDefaultDomainIsRefusedNamingThatCause() {
        OnnxMl.ModelProto m = withOpset(TinyModels.matMulConstB(), 0);
        ModelException e = assertThrows(ModelException.class, () -> ModelIo.prepareForQuantization(m));
        assertTrue(e.getMessage().contains("opset_import lists no version") && !e.getMessage().contains("opset 0"),
                e.getMessage());
    }

    @Test
    void opset6ModelIsConvertedToOpset13AndComputesTheSame() {
        OnnxMl.ModelProto m = withOpset(TinyModels.matMulConstB(), 6);
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(m);
        assertEquals(13, ModelIo.opset(prepared));
        Map<String, Tensor> in = Map.of("x", TinyModels.randomTensor(3, 2, 4));
        assertArrayEquals(OrtRunner.run(withOpset(m, 7), in).get("y"), OrtRunner.run(prepared, in).get("y"));
    }

    @Test
    void opset13ModelKeepsItsOpsetAndStructure() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        assertEquals(m, ModelIo.prepareForQuantization(m));
    }

    private static OnnxMl.ModelProto withOpset(OnnxMl.ModelProto m, int opset) {
        return m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(opset)).build();
    }
}

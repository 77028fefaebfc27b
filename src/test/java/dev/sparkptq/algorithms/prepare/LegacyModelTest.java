package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models from before ONNX 1.0: IR version 1, no opset_import, untyped attributes, opset-1 op forms. */
class LegacyModelTest {
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(8, 1, 1, 6, 6));

    /** The attribute without its type, as PyTorch 0.2 wrote them. */
    private static OnnxMl.AttributeProto untyped(OnnxMl.AttributeProto a) {
        return a.toBuilder().clearType().build();
    }

    /**
     * x → Conv (W[4,1,3,3]) → Add(·, B[4], broadcast=1, axis=1) → Relu(consumed_inputs) → Reshape-1(shape attr)
     * → y[1,4,36]; every initializer also a graph input; no opset_import.
     */
    static OnnxMl.ModelProto irVersion1() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("legacy")
                .addInput(floatInfo("x", 1, 1, 6, 6)).addInput(floatInfo("W", 4, 1, 3, 3)).addInput(floatInfo("B", 4))
                .addOutput(floatInfo("y", 1, 4, 36))
                .addInitializer(floats("W", 3, 4, 1, 3, 3)).addInitializer(floats("B", 4, 4))
                .addNode(node("Conv", "", List.of("x", "W"), List.of("c"), untyped(ints("kernel_shape", 3, 3)),
                        untyped(ints("pads", 1, 1, 1, 1)), untyped(intAttr("group", 1))))
                .addNode(node("Add", "", List.of("c", "B"), List.of("a"), untyped(intAttr("broadcast", 1)),
                        untyped(intAttr("axis", 1))))
                .addNode(node("Relu", "", List.of("a"), List.of("r"), untyped(ints("consumed_inputs", -1))))
                .addNode(node("Reshape", "", List.of("r"), List.of("y"), untyped(ints("shape", 1, 4, 36))));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(1).setProducerName("pytorch").setProducerVersion("0.2")
                .setGraph(g).build();
    }

    /** The same computation written at opset 13 by hand. */
    private static OnnxMl.ModelProto modernEquivalent() {
        float[] b = TensorProtos.toTensor(floats("B", 4, 4)).floats();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("modern")
                .addInput(floatInfo("x", 1, 1, 6, 6)).addOutput(floatInfo("y", 1, 4, 36))
                .addInitializer(floats("W", 3, 4, 1, 3, 3))
                .addInitializer(TensorProtos.fromTensor("B", Tensor.ofFloats(new long[] {4, 1, 1}, b)))
                .addInitializer(longs("shape", new long[] {1, 4, 36}))
                .addNode(node("Conv", "conv", List.of("x", "W"), List.of("c"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Add", "add", List.of("c", "B"), List.of("a")))
                .addNode(node("Relu", "relu", List.of("a"), List.of("r")))
                .addNode(node("Reshape", "reshape", List.of("r", "shape"), List.of("y")));
        return TinyModels.model(13, g);
    }

    @Test
    void anIrVersion1ModelIsReadAtOpset1AndUpgradedTo13ComputingTheSame() {
        ModelPreparation.Prepared p = ModelPreparation.prepare(irVersion1());
        assertEquals(0, p.opsetBefore());
        assertEquals(13, p.opsetAfter());
        assertTrue(p.model().getIrVersion() >= 7);
        StepRecord legacy = p.steps().get(0);
        assertEquals("legacy_model", legacy.step());
        assertTrue(legacy.summary().contains("IR version 1 predates opset_import: read as the ONNX default domain at "
                + "opset 1") && legacy.summary().contains("7 attribute types set"), legacy.summary());
        assertTrue(p.summary().contains("opset 1 → 13"), p.summary());
        assertEquals(List.of("x"), Checks.names(p.model().getGraph().getInputList()));
        p.model().getGraph().getNodeList().forEach(n -> n.getAttributeList().forEach(a -> assertTrue(
                a.getType() != OnnxMl.AttributeProto.AttributeType.UNDEFINED, n + " " + a.getName())));
        assertArrayEquals(OrtRunner.run(modernEquivalent(), X).get("y"), OrtRunner.run(p.model(), X).get("y"), 0f);
    }

    @Test
    void aModernModelWithoutOpsetImportIsRefusedNamingTheMissingImport() {
        OnnxMl.ModelProto m = TinyModels.convReluConv().toBuilder().clearOpsetImport().build();
        ModelException e = assertThrows(ModelException.class, () -> ModelPreparation.prepare(m));
        assertTrue(e.getMessage().contains("IR version 7") && e.getMessage().contains("opset_import is empty")
                && !e.getMessage().contains("opset 0"), e.getMessage());
    }

    @Test
    void anOpset1FormWithoutConversionIsRefusedNamingTheNodeAndOpset() {
        OnnxMl.ModelProto m = irVersion1();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().setOutput(0, floatInfo("z", 1, 4, 72))
                .addNode(node("Upsample", "up", List.of("y"), List.of("z"), TinyModels.floatAttr("width_scale", 2f),
                        TinyModels.floatAttr("height_scale", 1f)));
        ModelException e = assertThrows(ModelException.class,
                () -> ModelPreparation.prepare(m.toBuilder().setGraph(g).build()));
        assertTrue(e.getMessage().contains("Upsample node 'up'") && e.getMessage().contains("opset-1"),
                e.getMessage());
    }

    @Test
    void legacyCastWithAStringTargetAndPaddingsAttributeBecomeTheirModernForms() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 1, 6, 6))
                .addOutput(floatInfo("y", 1, 1, 8, 8))
                .addNode(node("Pad", "pad", List.of("x"), List.of("p"), ints("paddings", 0, 0, 1, 1, 0, 0, 1, 1),
                        TinyModels.floatAttr("value", 0f)))
                .addNode(node("Cast", "cast", List.of("p"), List.of("y"), TinyModels.stringAttr("to", "FLOAT")));
        OnnxMl.ModelProto m = TinyModels.model(1, g).toBuilder().setIrVersion(3).build();
        ModelPreparation.Prepared p = ModelPreparation.prepare(m);
        assertEquals(13, ModelIo.opset(p.model()));
        float[] x = X.get("x").floats();
        float[] y = OrtRunner.run(p.model(), X).get("y");
        assertEquals(64, y.length);
        assertEquals(0f, y[0]);
        assertEquals(x[0], y[9]);
    }
}

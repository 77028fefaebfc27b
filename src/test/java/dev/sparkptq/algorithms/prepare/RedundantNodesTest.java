package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RedundantNodesTest {
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(3, 2, 3));

    @Test
    void identityAndDropoutBetweenOpsAreRemovedAndTheGraphOutputKeepsItsName() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2, 3))
                .addOutput(floatInfo("y", 2, 3)).addInitializer(floats("k", 4, 3))
                .addNode(node("Relu", "relu", List.of("x"), List.of("r")))
                .addNode(node("Dropout", "drop", List.of("r"), List.of("d", "mask")))
                .addNode(node("Identity", "id", List.of("k"), List.of("k_copy")))
                .addNode(node("Add", "add", List.of("d", "k_copy"), List.of("a")))
                .addNode(node("Identity", "out", List.of("a"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new RedundantNodes().apply(m);
        assertEquals(List.of("Relu", "Add"), Checks.opTypes(r.model()));
        assertEquals(List.of("r", "k"), r.model().getGraph().getNode(1).getInputList());
        assertEquals(List.of("y"), r.model().getGraph().getNode(1).getOutputList(), "the Add writes y directly");
        assertEquals(List.of("drop", "id", "out"), r.record().names());
        Checks.assertIdenticalOutputs(m, r.model(), X);
    }

    @Test
    void copiesThatCannotGoAreKept() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2, 3))
                .addOutput(floatInfo("y", 2, 3)).addOutput(floatInfo("m", 2, 3)).addOutput(floatInfo("z", 2, 3))
                .addNode(node("Identity", "pass", List.of("x"), List.of("y"))) // graph input to graph output
                .addNode(node("Dropout", "masked", List.of("x"), List.of("d", "mask"))) // its mask is read
                .addNode(node("Cast", "mask_f", List.of("mask"), List.of("m"), TinyModels.intAttr("to", 1)))
                .addNode(node("Identity", "both", List.of("d"), List.of("z")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new RedundantNodes().apply(m);
        assertEquals(List.of("Identity", "Dropout", "Cast"), Checks.opTypes(r.model()));
        assertEquals("z", r.model().getGraph().getNode(1).getOutput(0), "the Dropout writes z directly");
        Checks.assertIdenticalOutputs(m, r.model(), X);
    }

    @Test
    void aValueASubgraphReadsKeepsItsName() {
        OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("b")
                .addNode(node("Relu", "inner", List.of("copy"), List.of("o"))).addOutput(floatInfo("o", 2, 3)).build();
        OnnxMl.AttributeProto.Builder then = OnnxMl.AttributeProto.newBuilder().setName("then_branch")
                .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2, 3))
                .addInput(TinyModels.info("c", 9)).addOutput(floatInfo("y", 2, 3))
                .addNode(node("Identity", "id", List.of("x"), List.of("copy")))
                .addNode(node("If", "if", List.of("c"), List.of("y"), then.build(),
                        then.setName("else_branch").build()));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        assertSame(m, new RedundantNodes().apply(m).model());
    }
}

package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ExportStyleModels;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstantNodesTest {
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(5, 1, 3, 8, 8));

    /** Paddle2ONNX style: conv weights and bias in Constant nodes, a value_floats constant for a Mul. */
    static OnnxMl.ModelProto constantWeights() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("constant_weights")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 4, 8, 8))
                .addNode(ExportStyleModels.constant("w_const", "w", TinyModels.randomTensor(1, 4, 3, 3, 3)))
                .addNode(ExportStyleModels.constant("b_const", "b", TinyModels.randomTensor(2, 4)))
                .addNode(node("Conv", "conv", List.of("x", "w", "b"), List.of("c"), ints("pads", 1, 1, 1, 1)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName("k").addOutput("k")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value_floats")
                                .setType(OnnxMl.AttributeProto.AttributeType.FLOATS).addFloats(0.5f)))
                .addNode(node("Mul", "mul", List.of("c", "k"), List.of("y")));
        return TinyModels.model(13, g);
    }

    @Test
    void constantWeightsBecomeInitializersWithByteIdenticalOutputs() {
        OnnxMl.ModelProto m = constantWeights();
        PreparationStep.Result r = new ConstantNodes().apply(m);
        assertEquals(List.of("Conv", "Mul"), Checks.opTypes(r.model()));
        ModelGraph g = ModelGraph.of(r.model());
        assertTrue(g.isInitializer("w") && g.isInitializer("b") && g.isInitializer("k"));
        assertEquals(3, r.record().changes());
        assertEquals(List.of("w", "b", "k"), r.record().names());
        Checks.assertIdenticalOutputs(m, r.model(), X);
    }

    @Test
    void aConstantThatIsAGraphOutputStaysANode() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2))
                .addOutput(floatInfo("y", 2)).addOutput(floatInfo("c", 2))
                .addNode(ExportStyleModels.constant("c_const", "c", TinyModels.randomTensor(3, 2)))
                .addNode(node("Add", "add", List.of("x", "c"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new ConstantNodes().apply(m);
        assertSame(m, r.model());
        assertEquals(0, r.record().changes());
    }

    @Test
    void constantsInsideSubgraphsAreLeftAlone() {
        OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("then")
                .addNode(ExportStyleModels.constant("inner_const", "inner", TinyModels.randomTensor(4, 2)))
                .addOutput(floatInfo("inner", 2)).build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.info("cond", 9))
                .addOutput(floatInfo("y", 2))
                .addNode(node("If", "if", List.of("cond"), List.of("y"), OnnxMl.AttributeProto.newBuilder()
                        .setName("then_branch").setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch)
                        .build(), OnnxMl.AttributeProto.newBuilder().setName("else_branch")
                        .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(branch).build()));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        assertSame(m, new ConstantNodes().apply(m).model());
    }
}

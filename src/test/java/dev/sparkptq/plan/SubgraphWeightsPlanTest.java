package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weights an If/Loop/Scan body reads from the outer scope are never quantized: the body reads them as float. */
class SubgraphWeightsPlanTest {
    private static OnnxMl.AttributeProto branch(String name, OnnxMl.GraphProto g) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(g).build();
    }

    /** x → Gemm(W) → a; Gemm(a, V) → b; If(c) whose branches run Gemm(x, V). */
    private static OnnxMl.ModelProto sharedWithABranch() {
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("body")
                .addNode(node("Gemm", "inner", List.of("x", "V"), List.of("o"))).addOutput(floatInfo("o", 1, 4))
                .build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 4))
                .addInput(TinyModels.info("c", 9)).addOutput(floatInfo("b", 1, 4)).addOutput(floatInfo("y", 1, 4))
                .addInitializer(floats("W", 1, 4, 4)).addInitializer(floats("V", 2, 4, 4))
                .addNode(node("Gemm", "fc1", List.of("x", "W"), List.of("a")))
                .addNode(node("Gemm", "fc2", List.of("a", "V"), List.of("b")))
                .addNode(node("If", "if", List.of("c"), List.of("y"), branch("then_branch", body),
                        branch("else_branch", body)));
        return TinyModels.model(13, g);
    }

    @Test
    void aWeightASubgraphReadsStaysFloatAndIsNoted() {
        QuantizationPlan p = QuantizationPlanner.plan(ModelGraph.of(sharedWithABranch()), Specs.params(),
                Specs.compression());
        List<String> weights = p.weights().stream().map(QuantizationPoint::tensor).toList();
        assertEquals(List.of("W"), weights);
        assertTrue(p.notes().contains("weight 'V' is also read inside a subgraph: left in float"), p.notes()
                .toString());
    }

    @Test
    void nothingToQuantizeOutsideSubgraphsSaysWhereTheOpsAre() {
        OnnxMl.ModelProto m = sharedWithABranch();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().removeNode(1).removeNode(0).clearOutput()
                .addOutput(floatInfo("y", 1, 4));
        ModelException e = assertThrows(ModelException.class, () -> QuantizationPlanner.plan(
                ModelGraph.of(m.toBuilder().setGraph(g).build()), Specs.params(), Specs.compression()));
        assertTrue(e.getMessage().contains("its 2 ops inside If/Loop/Scan subgraphs stay in float"), e.getMessage());
    }
}

package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatRegionsTest {
    /** x → Gemm(W) → y1; If(c) whose then-branch runs a Gemm on x with the outer-scope weight V. */
    static OnnxMl.ModelProto ifReadingOuterWeights() {
        OnnxMl.GraphProto then = OnnxMl.GraphProto.newBuilder().setName("then")
                .addNode(node("Gemm", "inner_fc", List.of("x", "V"), List.of("o"))).addOutput(floatInfo("o", 1, 3))
                .build();
        OnnxMl.GraphProto otherwise = OnnxMl.GraphProto.newBuilder().setName("else")
                .addNode(node("Identity", "inner_id", List.of("y1"), List.of("o2"))).addOutput(floatInfo("o2", 1, 3))
                .build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("if_model")
                .addInput(floatInfo("x", 1, 4)).addInput(TinyModels.info("c", 9))
                .addOutput(floatInfo("y", 1, 3)).addInitializer(floats("W", 1, 4, 3)).addInitializer(floats("V", 2, 4, 3))
                .addNode(node("Gemm", "fc", List.of("x", "W"), List.of("y1")))
                .addNode(node("If", "branch", List.of("c"), List.of("y"), graphAttr("then_branch", then),
                        graphAttr("else_branch", otherwise)));
        return TinyModels.model(13, g);
    }

    static OnnxMl.AttributeProto graphAttr(String name, OnnxMl.GraphProto g) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(g).build();
    }

    @Test
    void controlFlowIsReportedWithWhatItHoldsAndTheModelIsUnchanged() {
        OnnxMl.ModelProto m = ifReadingOuterWeights();
        PreparationStep.Result r = new FloatRegions().apply(m);
        assertSame(m, r.model());
        assertEquals(List.of("branch"), r.record().names());
        assertTrue(r.record().summary().startsWith("1 If left in float; inside their subgraphs: 1 Gemm, 1 Identity"),
                r.record().summary());
        assertTrue(r.record().summary().contains("the 3 outer-scope values the subgraphs read are left untouched"),
                r.record().summary());
    }

    @Test
    void wholePreparationKeepsOuterScopeWeightsAndRecurrentOpsAsTheyAre() {
        OnnxMl.ModelProto m = ifReadingOuterWeights();
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().addInput(floatInfo("seq", 5, 1, 4))
                .addOutput(floatInfo("h", 5, 1, 1, 2)).addInitializer(floats("Wr", 3, 1, 8, 4))
                .addInitializer(floats("Rr", 4, 1, 8, 2))
                .addNode(node("LSTM", "lstm", List.of("seq", "Wr", "Rr"), List.of("h"),
                        TinyModels.intAttr("hidden_size", 2)));
        OnnxMl.ModelProto withLstm = m.toBuilder().setGraph(g).build();
        ModelPreparation.Prepared p = ModelPreparation.prepare(withLstm);
        assertEquals(withLstm.getGraph().getInitializerList(), p.model().getGraph().getInitializerList());
        assertEquals(withLstm.getGraph().getNode(1), p.model().getGraph().getNode(1), "the If node, bit for bit");
        StepRecord regions = p.steps().stream().filter(s -> s.step().equals("float_regions")).findFirst()
                .orElseThrow();
        assertEquals(List.of("branch", "lstm"), regions.names());
        assertTrue(regions.summary().startsWith("1 If, 1 LSTM left in float"), regions.summary());
    }
}

package dev.sparkptq.graph.edit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.TinyModels;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class GraphInvariantsTest {
    private static final OnnxMl.ModelProto BASE = TinyModels.convReluConv();

    private static void assertViolation(String fragment, UnaryOperator<OnnxMl.GraphProto.Builder> breakIt) {
        OnnxMl.ModelProto broken = BASE.toBuilder().setGraph(breakIt.apply(BASE.getGraph().toBuilder())).build();
        InternalException e = assertThrows(InternalException.class, () -> GraphInvariants.check(BASE, broken));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void unchangedModelPasses() {
        assertDoesNotThrow(() -> GraphInvariants.check(BASE, BASE));
    }

    @Test
    void renamedInputIsDetected() {
        assertViolation("graph inputs", g -> g.setInput(0, g.getInput(0).toBuilder().setName("x2")));
    }

    @Test
    void removedOutputIsDetected() {
        assertViolation("graph outputs", g -> g.clearOutput());
    }

    @Test
    void danglingInputIsDetected() {
        assertViolation("'ghost'", g -> g.setNode(1, g.getNode(1).toBuilder().setInput(0, "ghost")));
    }

    @Test
    void nodesOutOfTopologicalOrderAreDetected() {
        assertViolation("earlier node", g -> {
            OnnxMl.NodeProto first = g.getNode(0);
            return g.setNode(0, g.getNode(1)).setNode(1, first);
        });
    }

    @Test
    void duplicateNodeNameIsDetected() {
        assertViolation("used twice", g -> g.setNode(1, g.getNode(1).toBuilder().setName("conv1")));
    }

    @Test
    void secondProducerOfATensorIsDetected() {
        assertViolation("more than one producer",
                g -> g.addNode(TinyModels.node("Relu", "again", java.util.List.of("x"), java.util.List.of("r1"))));
    }

    @Test
    void outputWithoutProducerIsDetected() {
        assertViolation("not produced", g -> g.setNode(2, g.getNode(2).toBuilder().setOutput(0, "z")));
    }
}

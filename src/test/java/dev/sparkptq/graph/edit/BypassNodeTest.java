package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.ModelGraph;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BypassNodeTest {
    /** x ─► Add(x, b) ─t─► Relu ─► y, and t also read by Shape ─► s. */
    private static OnnxMl.ModelProto block() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("b")
                .addInput(floatInfo("x", 2, 3)).addOutput(floatInfo("y", 2, 3))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("s").build())
                .addInitializer(floats("b", 1, 3))
                .addNode(node("Add", "bias", List.of("x", "b"), List.of("t")))
                .addNode(node("Relu", "relu", List.of("t"), List.of("y")))
                .addNode(node("Shape", "shape", List.of("t"), List.of("s")));
        return model(13, g);
    }

    @Test
    void everyReaderTakesTheBypassedInputAndTheUnusedConstantIsDropped() {
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(block(), List.of(new GraphEdit.BypassNode("bias", 0))));
        assertTrue(g.node("bias").isEmpty());
        assertEquals("x", g.node("relu").orElseThrow().inputs().get(0));
        assertEquals("x", g.node("shape").orElseThrow().inputs().get(0));
        assertFalse(g.isInitializer("b"));
    }

    @Test
    void aNodeWritingAGraphOutputCannotBeBypassed() {
        InternalException e = assertThrows(InternalException.class,
                () -> GraphRewriter.apply(block(), List.of(new GraphEdit.BypassNode("relu", 0))));
        assertTrue(e.getMessage().contains("graph output"), e.getMessage());
    }
}

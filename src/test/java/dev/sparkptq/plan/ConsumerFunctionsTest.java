package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.calibration.ConsumerFunction;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which function the readers of a tensor apply, on small synthetic graphs around a SiLU {@code c·σ(c)}. */
class ConsumerFunctionsTest {

    /** x → Conv → c; σ(c) = s; c·s (operand order as given) = m → Conv → y; plus {@code extra} nodes. */
    private static ModelGraph graph(boolean gateFirst, List<OnnxMl.NodeProto> extra, String... outputs) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("silu")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addInitializer(floats("W1", 7, 2, 2, 1, 1)).addInitializer(floats("W2", 8, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("Sigmoid", "sig", List.of("c"), List.of("s")))
                .addNode(node("Mul", "silu", gateFirst ? List.of("s", "c") : List.of("c", "s"), List.of("m")))
                .addNode(node("Conv", "conv2", List.of("m", "W2"), List.of("y")))
                .addAllNode(extra);
        for (String o : outputs) {
            g.addOutput(floatInfo(o, 1, 2, 4, 4));
        }
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    @Test
    void aConvOutputReadOnlyByItsSiluIsASiluInput() {
        assertEquals(ConsumerFunction.SILU, ConsumerFunctions.of(graph(false, List.of()), "c"));
        assertEquals(ConsumerFunction.SILU, ConsumerFunctions.of(graph(true, List.of()), "c"));
    }

    @Test
    void theSiluOutputAndTheGraphInputAreReadAsTheyAre() {
        ModelGraph g = graph(false, List.of());
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(g, "m"));
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(g, "x"));
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(g, "s"));
    }

    @Test
    void anotherReaderOfTheSiluInputSeesItsRawValues() {
        ModelGraph residual = graph(false, List.of(node("Add", "res", List.of("c", "m"), List.of("r"))), "r");
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(residual, "c"));
    }

    @Test
    void aSigmoidOutputWithOtherReadersIsNotOnlyAGate() {
        ModelGraph scored = graph(false, List.of(node("Identity", "score", List.of("s"), List.of("p"))), "p");
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(scored, "c"));
    }

    @Test
    void aSiluInputThatIsAlsoAGraphOutputKeepsItsOwnError() {
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(graph(false, List.of(), "c"), "c"));
    }

    @Test
    void aPlainSigmoidIsNotASilu() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("sigmoid")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addInitializer(floats("W1", 7, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("Sigmoid", "sig", List.of("c"), List.of("y")));
        ModelGraph graph = ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
        assertEquals(ConsumerFunction.IDENTITY, ConsumerFunctions.of(graph, "c"));
    }
}

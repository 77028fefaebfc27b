package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class HardActivationsTest {
    /** Inputs spread over [-10, 10] so every branch of the clip is taken (the conv's output reaches beyond ±3). */
    private static final Map<String, Tensor> X = Map.of("x", spread(1, 3, 6, 6));

    private static Tensor spread(long... shape) {
        Tensor r = TinyModels.randomTensor(11, shape);
        float[] v = r.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 10;
        }
        return Tensor.ofFloats(shape, v);
    }

    private static OnnxMl.TensorProto scalar(String name, float v) {
        return TensorProtos.fromTensor(name, Tensor.ofFloats(new long[]{1}, new float[]{v}));
    }

    /** x → Conv → c, then {@code tail} reading c and writing y, with scalar constants three, zero, six, k. */
    private static OnnxMl.ModelProto convThen(float k, List<OnnxMl.NodeProto> tail) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 4, 6, 6)).addInitializer(floats("W", 1, 4, 3, 3, 3))
                .addInitializer(scalar("three", 3)).addInitializer(scalar("zero", 0))
                .addInitializer(scalar("six", 6)).addInitializer(scalar("k", k))
                .addNode(node("Conv", "conv", List.of("x", "W"), List.of("c"), TinyModels.ints("pads", 1, 1, 1, 1)));
        tail.forEach(g::addNode);
        return TinyModels.model(13, g);
    }

    /** Paddle2ONNX's HardSwish: x·clip(x + 3, 0, 6) / 6 (the division after the product). */
    private static OnnxMl.ModelProto paddleHardSwish(String scaleOp, float k) {
        return convThen(k, List.of(node("Add", "plus3", List.of("c", "three"), List.of("a")),
                node("Clip", "relu6", List.of("a", "zero", "six"), List.of("r")),
                node("Mul", "product", List.of("c", "r"), List.of("p")),
                node(scaleOp, "scale", List.of("p", "k"), List.of("y"))));
    }

    private static float attr(OnnxMl.NodeProto n, String name) {
        return NodeProtos.attr(n, name).orElseThrow().getF();
    }

    @Test
    void aDecomposedHardSwishBecomesXTimesHardSigmoidWithTheSameOutputs() {
        OnnxMl.ModelProto m = paddleHardSwish("Div", 6);
        PreparationStep.Result r = new HardActivations().apply(m);
        assertEquals(List.of("Conv", "HardSigmoid", "Mul"), Checks.opTypes(r.model()));
        OnnxMl.NodeProto hs = r.model().getGraph().getNode(1);
        assertEquals(1 / 6f, attr(hs, "alpha"), 1e-7);
        assertEquals(0.5f, attr(hs, "beta"), 1e-7);
        assertEquals(List.of("c"), hs.getInputList());
        assertEquals(List.of("c", hs.getOutput(0)), r.model().getGraph().getNode(2).getInputList());
        assertEquals(1, r.record().changes());
        assertEquals(List.of("scale"), r.record().names());
        Checks.assertCloseOutputs(m, r.model(), X, 1e-5);
    }

    @Test
    void aMulByOneSixthIsTheSameAsADivBySix() {
        OnnxMl.ModelProto m = paddleHardSwish("Mul", 1 / 6f);
        PreparationStep.Result r = new HardActivations().apply(m);
        assertEquals(List.of("Conv", "HardSigmoid", "Mul"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), X, 1e-5);
    }

    @Test
    void aGateScaledBeforeTheProductBecomesAHardSigmoidAndTheProductStays() {
        OnnxMl.ModelProto m = convThen(6, List.of(node("Add", "plus3", List.of("c", "three"), List.of("a")),
                node("Clip", "relu6", List.of("a", "zero", "six"), List.of("r")),
                node("Div", "gate", List.of("r", "k"), List.of("g")),
                node("Mul", "product", List.of("c", "g"), List.of("y"))));
        PreparationStep.Result r = new HardActivations().apply(m);
        assertEquals(List.of("Conv", "HardSigmoid", "Mul"), Checks.opTypes(r.model()));
        assertEquals("product", r.model().getGraph().getNode(2).getName());
        Checks.assertCloseOutputs(m, r.model(), X, 1e-5);
    }

    @Test
    void aClippedAffineMapIsAHardSigmoidWithItsSlopeAndOffset() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 3, 6, 6)).addInitializer(scalar("slope", 0.2f))
                .addInitializer(scalar("offset", 0.5f)).addInitializer(scalar("zero", 0))
                .addInitializer(scalar("one", 1))
                .addNode(node("Mul", "slope", List.of("x", "slope"), List.of("s")))
                .addNode(node("Add", "offset", List.of("s", "offset"), List.of("o")))
                .addNode(node("Clip", "clip", List.of("o", "zero", "one"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new HardActivations().apply(m);
        assertEquals(List.of("HardSigmoid"), Checks.opTypes(r.model()));
        assertEquals(0.2f, attr(r.model().getGraph().getNode(0), "alpha"), 1e-7);
        assertEquals(0.5f, attr(r.model().getGraph().getNode(0), "beta"), 1e-7);
        Checks.assertCloseOutputs(m, r.model(), X, 1e-6);
    }

    @Test
    void theOpset10ClipWithBoundsAsAttributesIsRecognisedToo() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 3, 6, 6)).addInitializer(scalar("three", 3))
                .addInitializer(scalar("k", 6))
                .addNode(node("Add", "plus3", List.of("x", "three"), List.of("a")))
                .addNode(node("Clip", "relu6", List.of("a"), List.of("r"), floatAttr("min", 0), floatAttr("max", 6)))
                .addNode(node("Mul", "product", List.of("x", "r"), List.of("p")))
                .addNode(node("Div", "scale", List.of("p", "k"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(10, g);
        PreparationStep.Result r = new HardActivations().apply(m);
        assertEquals(List.of("HardSigmoid", "Mul"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), X, 1e-5);
    }

    @Test
    void aScaleThatDoesNotMapTheClipOntoZeroToOneIsLeftAlone() {
        OnnxMl.ModelProto m = paddleHardSwish("Div", 5); // x·relu6(x + 3)/5 reaches 1.2·x: not a HardSwish
        assertSame(m, new HardActivations().apply(m).model());
        assertEquals(0, new HardActivations().apply(m).record().changes());
    }

    @Test
    void anIntermediateValueWithAnotherReaderIsLeftAlone() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 3, 6, 6)).addOutput(floatInfo("r", 1, 3, 6, 6))
                .addInitializer(scalar("three", 3)).addInitializer(scalar("zero", 0))
                .addInitializer(scalar("six", 6))
                .addNode(node("Add", "plus3", List.of("x", "three"), List.of("a")))
                .addNode(node("Clip", "relu6", List.of("a", "zero", "six"), List.of("r")))
                .addNode(node("Mul", "product", List.of("x", "r"), List.of("p")))
                .addNode(node("Div", "scale", List.of("p", "six"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        assertSame(m, new HardActivations().apply(m).model(), "the clip's output is also a graph output");
    }

    @Test
    void aProductOfAnotherValueOrABareUnitClipIsNotAHardActivation() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addInput(floatInfo("z", 1, 3, 6, 6)).addOutput(floatInfo("y", 1, 3, 6, 6))
                .addOutput(floatInfo("u", 1, 3, 6, 6)).addInitializer(scalar("three", 3))
                .addInitializer(scalar("zero", 0)).addInitializer(scalar("six", 6)).addInitializer(scalar("one", 1))
                .addNode(node("Add", "plus3", List.of("x", "three"), List.of("a")))
                .addNode(node("Clip", "relu6", List.of("a", "zero", "six"), List.of("r")))
                .addNode(node("Mul", "product", List.of("z", "r"), List.of("p")))
                .addNode(node("Div", "scale", List.of("p", "six"), List.of("y")))
                .addNode(node("Clip", "unit", List.of("z", "zero", "one"), List.of("u")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        assertSame(m, new HardActivations().apply(m).model());
    }

    @Test
    void preparationRunsTheStepAndReportsIt() {
        OnnxMl.ModelProto m = paddleHardSwish("Div", 6);
        ModelPreparation.Prepared p = ModelPreparation.prepare(m);
        assertEquals(List.of("Conv", "HardSigmoid", "Mul"), Checks.opTypes(p.model()));
        StepRecord rec = p.steps().stream().filter(s -> s.step().equals(HardActivations.NAME)).findFirst()
                .orElseThrow();
        assertEquals(1, rec.changes());
        Checks.assertCloseOutputs(m, p.model(), X, 1e-5);
    }
}

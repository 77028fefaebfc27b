package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.OverflowFix;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which layers the saturation fix picks, and what it does to their weight specs. */
class SevenBitWeightsTest {

    /** Two stems reading x (a, b), their sum, then conv c: the first layers are a and b. */
    private static OnnxMl.ModelProto twoStems() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("two_stems")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("y", 1, 2, 8, 8))
                .addInitializer(floats("Wa", 1, 4, 3, 1, 1)).addInitializer(floats("Wb", 2, 4, 3, 1, 1))
                .addInitializer(floats("Wc", 3, 2, 4, 1, 1))
                .addNode(node("Conv", "a", List.of("x", "Wa"), List.of("ha"), ints("kernel_shape", 1, 1)))
                .addNode(node("Conv", "b", List.of("x", "Wb"), List.of("hb"), ints("kernel_shape", 1, 1)))
                .addNode(node("Add", "add", List.of("ha", "hb"), List.of("s")))
                .addNode(node("Conv", "c", List.of("s", "Wc"), List.of("y"), ints("kernel_shape", 1, 1)));
        return TinyModels.model(13, g);
    }

    private static QuantizationPlan plan(ModelGraph g) {
        return QuantizationPlanner.plan(g, Specs.params(), Specs.compression());
    }

    private static int weightBits(QuantizationPlan p, String tensor) {
        return p.weights().stream().filter(w -> w.tensor().equals(tensor)).findFirst().orElseThrow().spec().bits();
    }

    @Test
    void firstLayerOnlyPicksEveryStemThatNoWeightedLayerFeeds() {
        ModelGraph g = ModelGraph.of(twoStems());
        SevenBitWeights.Result r = SevenBitWeights.apply(plan(g), g, OverflowFix.FIRST_LAYER_ONLY);
        assertEquals(List.of("a", "b"), r.layers());
        assertEquals(7, weightBits(r.plan(), "Wa"));
        assertEquals(7, weightBits(r.plan(), "Wb"));
        assertEquals(8, weightBits(r.plan(), "Wc"));
    }

    @Test
    void enableTakesEveryLayerAndDisableReturnsThePlanUnchanged() {
        ModelGraph g = ModelGraph.of(twoStems());
        QuantizationPlan p = plan(g);
        assertEquals(List.of("a", "b", "c"), SevenBitWeights.apply(p, g, OverflowFix.ENABLE).layers());
        SevenBitWeights.Result off = SevenBitWeights.apply(p, g, OverflowFix.DISABLE);
        assertSame(p, off.plan());
        assertEquals(List.of(), off.layers());
    }

    @Test
    void explicitLevelsAreHalvedTowardsZero() {
        TensorQuantSpec s = plan(ModelGraph.of(twoStems())).weights().get(0).spec();
        TensorQuantSpec explicit = new TensorQuantSpec(8, s.mode(), s.granularity(), -128, 127,
                s.rangeEstimator());
        TensorQuantSpec h = SevenBitWeights.halved(explicit);
        assertEquals(7, h.bits());
        assertEquals(-64, h.levelLow());
        assertEquals(63, h.levelHigh());
    }
}

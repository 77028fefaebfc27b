package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each BatchNorm fold on a tiny model: the structure, and the outputs in ORT within float rounding. */
class BatchNormFoldingTest {
    private static final double TOL = 2e-5;

    /** BatchNorm parameters for {@code c} channels: γ, β, μ around the input scale, σ² > 0. */
    private static List<OnnxMl.TensorProto> bnParams(String prefix, int c, long seed) {
        float[] var = TinyModels.randomFloats(c, seed + 3);
        for (int i = 0; i < c; i++) {
            var[i] = 0.2f + Math.abs(var[i]);
        }
        return List.of(floats(prefix + "_gamma", seed, c), floats(prefix + "_beta", seed + 1, c),
                floats(prefix + "_mean", seed + 2, c),
                TensorProtos.fromTensor(prefix + "_var", Tensor.ofFloats(new long[] {c}, var)));
    }

    private static OnnxMl.NodeProto bn(String in, String out, String prefix) {
        return node("BatchNormalization", prefix, List.of(in, prefix + "_gamma", prefix + "_beta", prefix + "_mean",
                prefix + "_var"), List.of(out), TinyModels.floatAttr("epsilon", 1e-3f));
    }

    private static OnnxMl.ModelProto convBn(boolean bias, int group) {
        List<String> convIn = new ArrayList<>(List.of("x", "W"));
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("conv_bn")
                .addInput(floatInfo("x", 1, 4, 6, 6)).addOutput(floatInfo("y", 1, 6, 6, 6))
                .addInitializer(floats("W", 7, 6, 4 / group, 3, 3)).addAllInitializer(bnParams("bn", 6, 20));
        if (bias) {
            g.addInitializer(floats("B", 8, 6));
            convIn.add("B");
        }
        g.addNode(node("Conv", "conv", convIn, List.of("c"), ints("pads", 1, 1, 1, 1), intAttr("group", group)))
                .addNode(bn("c", "y", "bn"));
        return TinyModels.model(13, g);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void convWithOrWithoutBiasAbsorbsTheBatchNorm(boolean bias) {
        OnnxMl.ModelProto m = convBn(bias, 1);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("Conv"), Checks.opTypes(r.model()));
        assertEquals(3, r.model().getGraph().getNode(0).getInputCount(), "a bias was added");
        assertEquals(List.of("bn"), r.record().names());
        assertTrue(r.record().summary().contains("1 into Conv"), r.record().summary());
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(9, 1, 4, 6, 6)), TOL);
        assertEquals(2, r.model().getGraph().getInitializerCount(), "BatchNorm parameters and old weights dropped");
    }

    @Test
    void groupedConvFoldsPerOutputChannel() {
        OnnxMl.ModelProto m = convBn(true, 2);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("Conv"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(9, 1, 4, 6, 6)), TOL);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void convTransposeFoldsAlongItsSecondWeightAxis(int group) {
        // weight [Cin=4, Cout/group, 2, 2]: output channels are the second axis, per group
        int coutPerGroup = 6 / group;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("convt_bn")
                .addInput(floatInfo("x", 1, 4, 3, 3)).addOutput(floatInfo("y", 1, 6, 6, 6))
                .addInitializer(floats("W", 7, 4, coutPerGroup, 2, 2)).addAllInitializer(bnParams("bn", 6, 30))
                .addNode(node("ConvTranspose", "up", List.of("x", "W"), List.of("c"), ints("strides", 2, 2),
                        intAttr("group", group)))
                .addNode(bn("c", "y", "bn"));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("ConvTranspose"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(2, 1, 4, 3, 3)), TOL);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void gemmFoldsWithTransBAndBeta(int transB) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("gemm_bn")
                .addInput(floatInfo("x", 3, 4)).addOutput(floatInfo("y", 3, 5))
                .addInitializer(transB == 1 ? floats("W", 7, 5, 4) : floats("W", 7, 4, 5))
                .addInitializer(floats("C", 8, 5)).addAllInitializer(bnParams("bn", 5, 40))
                .addNode(node("Gemm", "fc", List.of("x", "W", "C"), List.of("f"), intAttr("transB", transB),
                        TinyModels.floatAttr("beta", 0.5f), TinyModels.floatAttr("alpha", 2f)))
                .addNode(bn("f", "y", "bn"));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("Gemm"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(3, 3, 4)), TOL);
    }

    @Test
    void matMulWithATwoDimensionalOutputGetsScaledColumnsAndAnAdd() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("matmul_bn")
                .addInput(floatInfo("x", 3, 4)).addOutput(floatInfo("y", 3, 5))
                .addInitializer(floats("W", 7, 4, 5)).addAllInitializer(bnParams("bn", 5, 50))
                .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("f"))).addNode(bn("f", "y", "bn"));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("MatMul", "Add"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(3, 3, 4)), TOL);
    }

    @Test
    void aBatchNormWithoutFoldableProducerBecomesMulAndAddOnTheChannelAxis() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("bn_only")
                .addInput(floatInfo("x", 2, 3, 4, 5)).addOutput(floatInfo("y", 2, 3, 4, 5))
                .addAllInitializer(bnParams("bn", 3, 60)).addNode(bn("x", "y", "bn"));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertEquals(List.of("Mul", "Add"), Checks.opTypes(r.model()));
        assertTrue(r.record().summary().contains("1 became Mul+Add"), r.record().summary());
        assertEquals(List.of(3L, 1L, 1L), r.model().getGraph().getInitializer(0).getDimsList());
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(4, 2, 3, 4, 5)), TOL);
    }

    @Test
    void aConvOutputReadElsewhereIsNotChanged() {
        OnnxMl.ModelProto m = convBn(true, 1);
        OnnxMl.GraphProto g = m.getGraph().toBuilder().addOutput(floatInfo("c", 1, 6, 6, 6)).build();
        OnnxMl.ModelProto twoReaders = m.toBuilder().setGraph(g).build();
        PreparationStep.Result r = new BatchNormFolding().apply(twoReaders);
        assertEquals(List.of("Conv", "Mul", "Add"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(twoReaders, r.model(), Map.of("x", TinyModels.randomTensor(9, 1, 4, 6, 6)), TOL);
    }

    @Test
    void aWeightSharedWithAnotherConvIsCopiedNotChanged() {
        OnnxMl.GraphProto.Builder g = convBn(true, 1).getGraph().toBuilder()
                .addOutput(floatInfo("z", 1, 6, 6, 6))
                .addNode(node("Conv", "twin", List.of("x", "W", "B"), List.of("z"), ints("pads", 1, 1, 1, 1)));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        ModelGraph folded = ModelGraph.of(r.model());
        assertTrue(folded.isInitializer("W") && folded.isInitializer("B"), "the twin still reads the originals");
        Checks.assertCloseOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(9, 1, 4, 6, 6)), TOL);
    }

    @Test
    void trainingModeAndNonConstantParametersAreLeftAlone() {
        OnnxMl.GraphProto.Builder training = convBn(true, 1).getGraph().toBuilder();
        training.setNode(1, training.getNode(1).toBuilder().addAttribute(intAttr("training_mode", 1)));
        OnnxMl.ModelProto t = TinyModels.model(15, training);
        assertSame(t, new BatchNormFolding().apply(t).model());

        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 2, 3, 3))
                .addInput(floatInfo("gamma", 2)).addOutput(floatInfo("y", 1, 2, 3, 3))
                .addAllInitializer(bnParams("bn", 2, 70).subList(1, 4))
                .addNode(node("BatchNormalization", "bn", List.of("x", "gamma", "bn_beta", "bn_mean", "bn_var"),
                        List.of("y")));
        OnnxMl.ModelProto dynamic = TinyModels.model(13, g);
        PreparationStep.Result r = new BatchNormFolding().apply(dynamic);
        assertSame(dynamic, r.model());
        assertTrue(r.record().summary().contains("1 left"), r.record().summary());
    }

    @Test
    void noBatchNormIsNothingToDo() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        PreparationStep.Result r = new BatchNormFolding().apply(m);
        assertSame(m, r.model());
        assertEquals(0, r.record().changes());
    }
}

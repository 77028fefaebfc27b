package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ExportStyleModels;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole preparation on a model shaped like a Paddle2ONNX export. */
class ModelPreparationTest {
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(6, 1, 3, 8, 8));

    private static OnnxMl.ModelProto paddleStyle() {
        return ExportStyleModels.paddleStyle();
    }

    @Test
    void aPaddleStyleExportComesOutWithInitializersFoldedBatchNormAndOpset13() {
        OnnxMl.ModelProto m = paddleStyle();
        ModelPreparation.Prepared p = ModelPreparation.prepare(m);
        assertEquals(9, p.opsetBefore());
        assertEquals(13, p.opsetAfter());
        assertEquals(List.of("Conv", "Clip", "Conv"), Checks.opTypes(p.model()));
        ModelGraph g = ModelGraph.of(p.model());
        assertTrue(g.isInitializer(g.nodes().get(0).inputs().get(1)), "conv1's weight is an initializer");
        assertTrue(g.isInitializer("w2"));
        assertEquals(List.of("legacy_model", "initializer_inputs", "float16_upcast", "constants_to_initializers",
                "node_names", "opset_conversion", "identity_dropout_removal", "constant_folding", "batchnorm_folding",
                "conv_add_mul_folding", "hard_activations", "float_regions"), p.steps().stream().map(StepRecord::step).toList());
        assertEquals(List.of("constants_to_initializers", "opset_conversion", "identity_dropout_removal",
                "batchnorm_folding"), p.changed().stream().map(StepRecord::step).toList());
        assertTrue(p.summary().startsWith("preparation: 6 Constant nodes became initializers; "), p.summary());
        assertTrue(p.summary().contains("opset 9 → 13"), p.summary());
        assertTrue(p.summary().contains("1 BatchNormalization folded: 1 into Conv"), p.summary());
        Checks.assertCloseOutputs(m, p.model(), X, 2e-5);
    }

    @Test
    void preparationIsDeterministicAndLeavesItsInputAlone() {
        OnnxMl.ModelProto m = paddleStyle();
        OnnxMl.ModelProto copy = OnnxMl.ModelProto.newBuilder(m).build();
        byte[] first = ModelIo.toBytes(ModelPreparation.prepare(m).model());
        assertEquals(copy, m);
        assertArrayEquals(first, ModelIo.toBytes(ModelPreparation.prepare(paddleStyle()).model()));
    }

    @Test
    void aModelThatNeedsNothingIsReturnedAsItIs() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        ModelPreparation.Prepared p = ModelPreparation.prepare(m);
        assertEquals(m, p.model());
        assertEquals("preparation: nothing to change", p.summary());
        assertEquals(List.of(), p.changed());
    }

    @Test
    void theLogGetsTheSummaryLine() {
        List<String> lines = new java.util.ArrayList<>();
        ModelPreparation.prepare(paddleStyle(), lines::add);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("preparation: "), lines.get(0));
    }

    @Test
    void stepRecordsKeepTheFirstTenNames() {
        List<String> many = java.util.stream.IntStream.range(0, 25).mapToObj(i -> "n" + i).toList();
        StepRecord r = new StepRecord("s", 25, "25 things", many);
        assertEquals(many.subList(0, 10), r.names());
        assertEquals(25, r.changes());
    }
}

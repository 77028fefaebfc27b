package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.stats.PerSampleReducer;
import dev.sparkptq.stats.PerSampleStat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** In-graph per-sample reductions give exactly what the Java reducer computes on the whole tensor. */
class AddReductionTest {
    /** x[3,4,5,2] → Relu → y (no value_info for y: its rank is unknown to the graph). */
    private static OnnxMl.ModelProto model(int opset) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("r")
                .addInput(floatInfo("x", 3, 4, 5, 2)).addOutput(floatInfo("z", 3, 4, 5, 2))
                .addNode(node("Neg", "neg", List.of("x"), List.of("y")))
                .addNode(node("Relu", "relu", List.of("y"), List.of("z")));
        return TinyModels.model(opset, g);
    }

    @ParameterizedTest(name = "opset {0}, {1}, keep axis {2}, rank {3}")
    @CsvSource({"13, MIN, -1, -1", "13, MAX, -1, 4", "13, ABS_MAX, 1, 4", "13, ABS_MAX, 3, 4", "18, MIN, 2, 4",
            "18, ABS_MAX, -1, -1", "18, MAX, 1, 4", "13, ABS_MAX, -1, 4", "18, MAX, -1, 4", "13, MIN, 3, 4",
            "18, ABS_MAX, 2, 4", "13, MAX, -1, -1"})
    void reductionMatchesTheJavaReducer(int opset, GraphEdit.Reduction kind, int keepAxis, int rank) {
        OnnxMl.ModelProto m = GraphRewriter.apply(model(opset),
                List.of(new GraphEdit.AddReduction("y", kind, keepAxis, rank, "y_reduced"),
                        new GraphEdit.AddOutput("y")));
        assertMatchesJava(m, "y", "y_reduced", kind, keepAxis);
    }

    /**
     * A non-negative tensor (the Relu output z): MAX and ABS_MAX exactly as Java computes them, MIN reported as 0 —
     * the min the quantizer uses, since every range is widened to contain 0.
     */
    @ParameterizedTest(name = "opset {0}, {1}, keep axis {2}, rank {3}")
    @CsvSource({"13, MIN, -1, 4", "13, MAX, -1, 4", "18, ABS_MAX, -1, 4", "18, MIN, 1, 4", "13, ABS_MAX, 1, 4",
            "13, MIN, -1, -1", "18, ABS_MAX, 3, 4"})
    void nonNegativeTensorsGiveExactMaximaAndAZeroMin(int opset, GraphEdit.Reduction kind, int keepAxis, int rank) {
        OnnxMl.ModelProto m = GraphRewriter.apply(model(opset),
                List.of(new GraphEdit.AddReduction("z", kind, keepAxis, rank, true, "z_reduced")));
        if (kind == GraphEdit.Reduction.MIN) {
            Map<String, float[]> out = OrtRunner.run(m, Map.of("x", TinyModels.randomTensor(7, 3, 4, 5, 2)));
            for (float v : out.get("z_reduced")) {
                assertEquals(0f, v);
            }
            int width = keepAxis < 0 ? 1 : new int[]{3, 4, 5, 2}[keepAxis];
            assertEquals(3 * width, out.get("z_reduced").length);
        } else {
            assertMatchesJava(m, "z", "z_reduced", kind, keepAxis);
        }
    }

    @org.junit.jupiter.api.Test
    void minMaxAndAbsMaxOfOneTensorShareTheirReductionsAndNeverWriteAbs() {
        OnnxMl.ModelProto m = GraphRewriter.apply(model(18), List.of(
                new GraphEdit.AddReduction("y", GraphEdit.Reduction.MIN, -1, 4, "y_min"),
                new GraphEdit.AddReduction("y", GraphEdit.Reduction.MAX, -1, 4, "y_max"),
                new GraphEdit.AddReduction("y", GraphEdit.Reduction.ABS_MAX, -1, 4, "y_absmax"),
                new GraphEdit.AddOutput("y")));
        var ops = m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertEquals(1, ops.stream().filter("ReduceMin"::equals).count(), ops.toString());
        assertEquals(1, ops.stream().filter("GlobalMaxPool"::equals).count(), ops.toString());
        assertEquals(0, ops.stream().filter("Abs"::equals).count(), ops.toString());
        assertMatchesJava(m, "y", "y_absmax", GraphEdit.Reduction.ABS_MAX, -1);
        assertMatchesJava(m, "y", "y_min", GraphEdit.Reduction.MIN, -1);
        assertMatchesJava(m, "y", "y_max", GraphEdit.Reduction.MAX, -1);
    }

    private static void assertMatchesJava(OnnxMl.ModelProto m, String tensor, String output,
                                          GraphEdit.Reduction kind, int keepAxis) {
        if (m.getGraph().getOutputList().stream().noneMatch(o -> o.getName().equals(tensor))) {
            m = GraphRewriter.apply(m, List.of(new GraphEdit.AddOutput(tensor)));
        }
        Tensor x = TinyModels.randomTensor(7, 3, 4, 5, 2);
        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", x));
        float[] y = out.get(tensor);
        PerSampleStat stat = PerSampleStat.valueOf(kind.name());
        var expected = PerSampleReducer.reduce(Tensor.ofFloats(new long[]{3, 4, 5, 2}, y), stat, keepAxis);
        float[] reduced = out.get(output);
        int width = expected.values()[0].length;
        assertEquals(3 * width, reduced.length);
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < width; c++) {
                assertEquals(expected.values()[s][c], reduced[s * width + c], 0.0, "sample " + s + " channel " + c);
            }
        }
    }
}

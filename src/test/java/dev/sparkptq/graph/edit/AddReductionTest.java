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
            "18, ABS_MAX, -1, -1", "18, MAX, 1, 4"})
    void reductionMatchesTheJavaReducer(int opset, GraphEdit.Reduction kind, int keepAxis, int rank) {
        OnnxMl.ModelProto m = GraphRewriter.apply(model(opset),
                List.of(new GraphEdit.AddReduction("y", kind, keepAxis, rank, "y_reduced"),
                        new GraphEdit.AddOutput("y")));
        Tensor x = TinyModels.randomTensor(7, 3, 4, 5, 2);
        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", x));
        float[] y = out.get("y");
        PerSampleStat stat = PerSampleStat.valueOf(kind.name());
        var expected = PerSampleReducer.reduce(Tensor.ofFloats(new long[]{3, 4, 5, 2}, y), stat, keepAxis);
        float[] reduced = out.get("y_reduced");
        int width = expected.values()[0].length;
        assertEquals(3 * width, reduced.length);
        for (int s = 0; s < 3; s++) {
            for (int c = 0; c < width; c++) {
                assertEquals(expected.values()[s][c], reduced[s * width + c], 0.0, "sample " + s + " channel " + c);
            }
        }
    }
}

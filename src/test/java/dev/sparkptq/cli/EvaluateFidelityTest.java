package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code benchmark evaluate}'s per-output fidelity through ONNX Runtime on a model with three outputs: a score (one
 * value per sample) compared across samples, channel means (exchangeable class-score-like values) with argmax agreement,
 * and the same means laid out at fixed offsets (values in a layout) without it.
 */
class EvaluateFidelityTest {
    private static final float SHIFT = 0.1f;

    /** score = mean(x) + shift, logits = per-channel means, layout = logits + (0, 10, 20). */
    private static OnnxMl.ModelProto heads(float shift) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("heads")
                .addInput(floatInfo("x", 1, 3, 8, 8))
                .addOutput(floatInfo("score", 1)).addOutput(floatInfo("logits", 1, 3))
                .addOutput(floatInfo("layout", 1, 3))
                .addInitializer(TensorProtos.fromTensor("shift", Tensor.ofFloats(new long[]{1}, new float[]{shift})))
                .addInitializer(TensorProtos.fromTensor("offsets", Tensor.ofFloats(new long[]{1, 3}, new float[]{0, 10, 20})))
                .addNode(node("ReduceMean", "all", List.of("x"), List.of("m"), ints("axes", 1, 2, 3),
                        intAttr("keepdims", 0)))
                .addNode(node("Add", "shifted", List.of("m", "shift"), List.of("score")))
                .addNode(node("ReduceMean", "channels", List.of("x"), List.of("logits"), ints("axes", 2, 3),
                        intAttr("keepdims", 0)))
                .addNode(node("Add", "laid_out", List.of("logits", "offsets"), List.of("layout")));
        return model(13, g);
    }

    @Test
    void oneValueOutputsAreComparedAcrossSamplesAndArgmaxOnlyForScores(@TempDir Path dir) throws Exception {
        TinyRun run = TinyRun.create(dir, 12, 7L);
        Path fp32 = dir.resolve("fp32.onnx");
        Path shifted = dir.resolve("shifted.onnx");
        ModelIo.save(heads(0), fp32);
        ModelIo.save(heads(SHIFT), shifted);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = BenchmarkCommand.evaluate(List.of("--models", fp32 + "," + shifted, "--data-source",
                run.data.toString(), "--samples", "2", "--rounds", "1"), new PrintStream(buf, true,
                StandardCharsets.UTF_8));
        assertEquals(0, code);
        JsonNode outputs = new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8))
                .get("models").get(1).get("outputs");
        double dot = 0;
        double ref = 0;
        double q = 0;
        for (float[] s : run.samples) {
            double m = 0;
            for (float v : s) {
                m += v;
            }
            m /= s.length;
            dot += m * (m + SHIFT);
            ref += m * m;
            q += (m + SHIFT) * (m + SHIFT);
        }
        JsonNode score = outputs.get("score");
        assertTrue(score.get("cosine_across_samples").asBoolean());
        assertEquals(dot / Math.sqrt(ref * q), score.get("cosine").asDouble(), 1e-4,
                "the cosine of the 12 scores against FP32's, not the mean of their signs' agreement");
        assertTrue(score.get("cosine").asDouble() < 0.99, "a shift as large as the scores shows");
        assertFalse(score.has("argmax_agreement"));
        assertEquals(1.0, outputs.get("logits").get("argmax_agreement").asDouble(), "exchangeable: argmax counted");
        assertFalse(outputs.get("logits").has("cosine_across_samples"));
        assertFalse(outputs.get("layout").has("argmax_agreement"), "the largest element is always the last");
    }
}

package dev.sparkptq.e2e;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.graph.ModelIo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** YOLOX-nano calibrated on the COCO images with the mixed preset: structure of the QDQ model, and ORT runs it. */
@Tag("e2e")
class YoloxE2eTest {
    @Test
    void mixedPresetQuantizesEveryConvAndRunsInOnnxRuntime(@TempDir Path tmp) throws Exception {
        E2e.shared();
        Path out = tmp.resolve("out");
        E2e.cliOk("quantize", "-c", "conf/examples/yolox-nano-coco.json", "--evaluate", "--output-dir",
                out.toString(), "--master", "local[2]");
        JsonNode report = E2e.report(out);
        JsonNode q = report.get("quantization");
        assertEquals(113, q.get("quantized_op_types").get("Conv").asInt(), "every Conv quantized");
        assertEquals("mixed", q.get("preset").asText());
        boolean asymmetric = false;
        for (JsonNode t : q.get("tensors")) {
            if (t.get("kind").asText().equals("activation") && t.get("storage").asText().equals("UINT8")
                    && t.get("zero_point").asInt() != 0) {
                asymmetric = true;
            }
        }
        assertTrue(asymmetric, "mixed preset: some activations need a non-zero zero point");
        double cosine = report.get("metrics").get("quantized").get("cosine_to_fp32").asDouble();
        System.out.printf("YOLOX-nano cosine_to_fp32 %.4f%n", cosine);
        assertTrue(cosine > 0.9, "cosine to FP32 " + cosine);

        var model = ModelIo.load(out.resolve("model.onnx"));
        long qNodes = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear"))
                .count();
        assertTrue(qNodes > 50, "Q nodes: " + qNodes);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(out.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[3 * 416 * 416]),
                     new long[]{1, 3, 416, 416});
             OrtSession.Result r = s.run(Map.of("images", in))) {
            assertArrayEquals(new long[]{1, 3549, 85},
                    ((ai.onnxruntime.TensorInfo) r.get(0).getInfo()).getShape());
        }
    }
}

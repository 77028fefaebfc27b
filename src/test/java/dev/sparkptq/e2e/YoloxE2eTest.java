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

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.Sample;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.util.List;

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
        // the speed guard off: on CPUs where int8 SiLU costs more than the convs gain (BENCHMARKS.md) it writes the
        // FP32 model; this test checks the quantized structure
        Path config = java.nio.file.Files.writeString(Path.of("conf/examples").toAbsolutePath()
                .resolve("yolox-nano-coco.e2e.json"), MnistE2eTest.withoutSpeedGuard(java.nio.file.Files.readString(
                        Path.of("conf/examples/yolox-nano-coco.json"))));
        try {
            E2e.cliOk("quantize", "-c", config.toString(), "--evaluate", "--output-dir", out.toString(),
                    "--master", "local[2]");
        } finally {
            java.nio.file.Files.deleteIfExists(config);
        }
        JsonNode report = E2e.report(out);
        JsonNode q = report.get("quantization");
        // ignored.first_layers 3: the stem's Conv_41, depthwise Conv_44 and pointwise Conv_47 (and their SiLUs) stay
        // float, the other 110 of 113 Conv are quantized
        assertEquals(110, q.get("quantized_op_types").get("Conv").asInt(), "every Conv after the stem quantized");
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
        assertTrue(cosine > 0.89, "cosine to FP32 " + cosine);

        double match = detectionMatch(Path.of("../shared/models/yolox_nano.onnx"), out.resolve("model.onnx"));
        JsonNode k = report.get("integer_kernels");
        System.out.printf("YOLOX-nano detection match %.4f; integer-kernel MACs %.4f (%s)%n", match,
                k.get("integer_share").asDouble(), k.get("kernel_ops"));
        // 101 of 113 Conv (all but the 3 float stem convs and the 9 head convs writing the float graph output) fuse
        // into QLinearConv with the default activation_gates: integer; the float stem is 15 % of the MACs
        // (96.3 % integer with every Conv quantized)
        assertTrue(k.get("integer_share").asDouble() > 0.78, "integer-kernel MACs: " + k);
        // issue #4 asks for >= 0.90; measured 0.959 (417 of 435) with the 3-layer float stem and mse ranges (2
        // layers: 0.926; every layer quantized with kl ranges: 0.697)
        assertTrue(match >= 0.90, "share of FP32 detections matched by INT8: " + match);

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

    /** Detections kept at objectness·class ≥ 0.3, NMS IoU 0.45 per class; matched at IoU ≥ 0.5, same class. */
    static final double SCORE = 0.3;
    static final double NMS_IOU = 0.45;
    static final double MATCH_IOU = 0.5;

    /**
     * Share of the FP32 model's detections that the quantized model reproduces, over the 100 COCO images (issue #4's
     * done-when: ≥ 0.90).
     */
    static double detectionMatch(Path fp32, Path quantized) {
        PtqConfig c = ConfigLoader.load(Path.of("conf/examples/yolox-nano-coco.json"), ConfigOverrides.none());
        OrtEngineFactory engines = new OrtEngineFactory();
        InferenceEngine a = engines.open(ModelBlob.ofPath("fp32:" + fp32, fp32), EngineOptions.forInference(2));
        InferenceEngine b = engines.open(ModelBlob.ofPath("int8:" + quantized, quantized),
                EngineOptions.forInference(2));
        DataSource source = DataSources.create(c.engine().reader(), c.engine().dataSource(), a.inputs());
        String output = a.outputs().get(0).name();
        long reference = 0;
        long matched = 0;
        try {
            for (SampleRef ref : source.list()) {
                Sample s = source.load(ref);
                var ra = detections(a.run(s.inputs(), List.of(output)).get(output));
                var rb = detections(b.run(s.inputs(), List.of(output)).get(output));
                reference += ra.size();
                matched += YoloxDetections.matched(ra, rb, MATCH_IOU);
            }
        } finally {
            engines.evict("fp32:" + fp32);
            engines.evict("int8:" + quantized);
        }
        System.out.printf("YOLOX-nano: %d of %d FP32 detections matched%n", matched, reference);
        assertTrue(reference > 100, "FP32 must detect objects on COCO images: " + reference);
        return (double) matched / reference;
    }

    private static List<YoloxDetections.Det> detections(Tensor out) {
        return YoloxDetections.decode(out.floats(), 416, new int[]{8, 16, 32}, 80, SCORE, NMS_IOU);
    }
}

package dev.sparkptq.e2e;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.Fp16Models;
import dev.sparkptq.graph.ModelIo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Model preparation on the real exports of ../shared/models/zoo (the README there says what each is): models whose
 * weights sit in Constant nodes or behind unfolded BatchNorm/bias ops come out compressed with their convs in
 * integer kernels; a legacy IR-1 model and an FP16 model are quantized; control flow is left exactly as it was; a
 * model with nothing quantizable outside its subgraphs is refused in one line before any Spark job.
 */
@Tag("e2e")
class ZooPreparationE2eTest {
    @TempDir
    Path tmp;

    private static Path zoo(String file) {
        Path p = E2e.shared().resolve("models/zoo").resolve(file);
        assumeTrue(Files.isRegularFile(p), "../shared/models/zoo/" + file + " is not present; this test needs it");
        return p;
    }

    private static Path coco() {
        return E2e.shared().resolve("data/coco-val2017-100");
    }

    /** An image config: the model's own preprocessing, 8 calibration images. */
    private Path imageConfig(Path model, int h, int w, String color, String mean, String std) throws Exception {
        return Files.writeString(tmp.resolve(model.getFileName() + ".json"), """
                { "model": { "model": "%s" },
                  "engine": { "data_source": "%s", "num_partitions": 2, "speed_guard": false,
                              "reader": { "type": "image", "resize": [%d, %d], "scale": 255, "color": "%s",
                                          "layout": "NCHW", "mean": %s, "std": %s } },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                     "params": { "preset": "performance",
                                                                 "stat_subset_size": 8 } } ] } }
                """.formatted(model, coco(), h, w, color, mean, std));
    }

    private Path run(String... argv) {
        Path out = tmp.resolve("out-" + Math.abs(String.join(" ", argv).hashCode()));
        List<String> args = new ArrayList<>(List.of(argv));
        args.addAll(List.of("--output-dir", out.toString(), "--master", "local[2]"));
        E2e.cliOk(args.toArray(String[]::new));
        return out;
    }

    private static String preparation(JsonNode report) {
        List<String> done = new ArrayList<>();
        report.get("preparation").get("steps").forEach(s -> {
            if (s.get("changes").asInt() > 0) {
                done.add(s.get("step").asText());
            }
        });
        return String.join(",", done);
    }

    private static int changes(JsonNode report, String step) {
        for (JsonNode s : report.get("preparation").get("steps")) {
            if (s.get("step").asText().equals(step)) {
                return s.get("changes").asInt();
            }
        }
        return 0;
    }

    private static void print(String model, JsonNode r) {
        System.out.printf("%s: size ratio %.3f, integer share %.3f, preparation %s%n", model,
                r.get("output").get("size_ratio").asDouble(), r.get("integer_kernels").get("integer_share").asDouble(),
                preparation(r));
    }

    @Test
    void paddleOcrExportsGetInitializersFoldedBatchNormsAndCompressedWeights() throws Exception {
        Path cls = zoo("ppocr-mobile-v2-cls.onnx");
        JsonNode c = E2e.report(run("quantize", "-c", imageConfig(cls, 48, 192, "BGR", "[0.5, 0.5, 0.5]",
                "[0.5, 0.5, 0.5]").toString()));
        print("ppocr-cls", c);
        assertEquals(250, changes(c, "constants_to_initializers"), "every weight was a Constant node");
        assertEquals(35, changes(c, "batchnorm_folding"));
        assertEquals(9, c.get("preparation").get("opset_before").asInt());
        assertEquals(13, c.get("preparation").get("opset_after").asInt());
        assertTrue(c.get("output").get("size_ratio").asDouble() <= 0.45, "was 1.22 before preparation: " + c);

        Path det = zoo("ppocr-v4-det.onnx");
        JsonNode d = E2e.report(run("quantize", "-c", imageConfig(det, 320, 320, "BGR", "[0.485, 0.456, 0.406]",
                "[0.229, 0.224, 0.225]").toString()));
        print("ppocr-det", d);
        assertEquals(342, changes(d, "constants_to_initializers"));
        assertTrue(changes(d, "conv_add_mul_folding") > 0, "Paddle writes conv biases as separate Adds");
        assertTrue(d.get("output").get("size_ratio").asDouble() <= 0.40, "was 1.04 before preparation: " + d);
        assertTrue(d.get("integer_kernels").get("integer_share").asDouble() > 0.2, "was 0 before: " + d);
        // decomposed HardSwish → x·HardSigmoid(x) and producer fusion: 29.6 % → 97.0 % as placed (640×640, 64 samples)
        assertTrue(d.get("speed").get("integer_share_before").asDouble() >= 0.9, "was 0.30: " + d.get("speed"));
    }

    @Test
    void ultraFaceBatchNormsFoldAndItsConvsRunInIntegerKernels() throws Exception {
        JsonNode r = E2e.report(run("quantize", "-q", "default", "--model", zoo("ultraface-rfb-320.onnx").toString(),
                "--data-source", coco().toString()));
        print("ultraface", r);
        assertEquals(35, changes(r, "batchnorm_folding"));
        assertTrue(changes(r, "constant_folding") > 0, "its Shape → Gather → Concat → Reshape chains are static");
        // preparation's effect is the share of the model as placed; the speed guard may then return a slow stem to
        // float (it writes a model at least as fast as FP32)
        assertTrue(r.get("speed").get("integer_share_before").asDouble() >= 0.90, "was 0.04: " + r);
        assertTrue(r.get("speed").get("speedup").asDouble() >= 1.0, r.get("speed").toString());
        // the guard's verdict is a timing: INT8 (≤ 0.40 as placed; ops it returns to float keep FP32 weights) or, where
        // ORT runs the prepared FP32 graph faster than INT8, that graph
        if (!r.get("speed").get("outcome").asText().equals("fp32_fallback")) {
            assertTrue(r.get("output").get("size_ratio").asDouble() <= 0.50, r.toString());
        }
    }

    @Test
    void anFp16ConversionOfUltraFaceIsQuantizedAsFp32() throws Exception {
        OnnxMl.ModelProto fp32 = ModelIo.load(zoo("ultraface-rfb-320.onnx"));
        Path half = tmp.resolve("ultraface-fp16.onnx");
        ModelIo.save(Fp16Models.convert(fp32, Fp16Models.FLOAT16), half);
        JsonNode r = E2e.report(run("quantize", "-q", "default", "--model", half.toString(), "--data-source",
                coco().toString()));
        print("ultraface-fp16", r);
        assertTrue(changes(r, "float16_upcast") > 0, preparation(r));
        assertTrue(r.get("speed").get("integer_share_before").asDouble() >= 0.90, r.toString());
    }

    @Test
    void theIrVersion1SuperResolutionModelIsReadAtOpset1AndQuantized() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("y-channel"));
        SplittableRandom rnd = new SplittableRandom(3);
        for (int s = 0; s < 4; s++) {
            float[] y = new float[224 * 224];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (rnd.nextDouble() * 255);
            }
            Npy.write(data.resolve("s" + s + ".npy"), Tensor.ofFloats(new long[] {1, 1, 224, 224}, y));
        }
        JsonNode r = E2e.report(run("quantize", "-q", "default", "--model", zoo("superres-ir1-legacy.onnx")
                .toString(), "--data-source", data.toString()));
        print("superres", r);
        assertEquals(0, r.get("preparation").get("opset_before").asInt());
        assertEquals(13, r.get("preparation").get("opset_after").asInt());
        assertTrue(r.get("preparation").get("steps").get(0).get("summary").asText().contains("read as the ONNX "
                + "default domain at opset 1"));
        assertEquals(4, changes(r, "conv_add_mul_folding"), "its biases were separate broadcast Adds");
    }

    @Test
    void anIfBranchAndTheOuterScopeWeightsItReadsStayExactlyAsTheyWere() throws Exception {
        Path model = zoo("oww-hey-jarvis.onnx");
        Path data = Files.createDirectories(tmp.resolve("embeddings"));
        SplittableRandom rnd = new SplittableRandom(4);
        for (int s = 0; s < 4; s++) {
            float[] x = new float[16 * 96];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            Npy.write(data.resolve("s" + s + ".npy"), Tensor.ofFloats(new long[] {1, 16, 96}, x));
        }
        Path out = run("quantize", "-q", "default", "--model", model.toString(), "--data-source", data.toString());
        JsonNode r = E2e.report(out);
        print("oww-hey-jarvis", r);
        assertEquals(1, changes(r, "float_regions"));
        OnnxMl.ModelProto original = ModelIo.load(model);
        OnnxMl.ModelProto quantized = ModelIo.load(out.resolve("model.onnx"));
        OnnxMl.NodeProto ifBefore = original.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
        OnnxMl.NodeProto ifAfter = quantized.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
        assertEquals(ifBefore.getAttributeList(), ifAfter.getAttributeList(), "both branches, bit for bit");
        for (String read : dev.sparkptq.graph.Subgraphs.referencedNames(ifBefore)) {
            original.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(read)).findFirst()
                    .ifPresent(t -> assertTrue(quantized.getGraph().getInitializerList().contains(t),
                            "outer-scope weight " + read + " unchanged"));
        }
    }

    @Test
    void aModelWhoseComputeIsAllInsideSubgraphsIsRefusedInOneLineBeforeAnySparkJob() throws Exception {
        Path data = tmp.resolve("vad");
        SplittableRandom rnd = new SplittableRandom(5);
        for (String in : List.of("input", "sr", "h", "c")) {
            Files.createDirectories(data.resolve(in));
        }
        for (int s = 0; s < 2; s++) {
            float[] audio = new float[512];
            for (int i = 0; i < audio.length; i++) {
                audio[i] = (float) (rnd.nextDouble() - 0.5);
            }
            Npy.write(data.resolve("input/s" + s + ".npy"), Tensor.ofFloats(new long[] {1, 512}, audio));
            Npy.write(data.resolve("sr/s" + s + ".npy"), Tensor.ofLongs(new long[0], new long[] {16000}));
            Npy.write(data.resolve("h/s" + s + ".npy"), Tensor.ofFloats(new long[] {2, 1, 64}, new float[128]));
            Npy.write(data.resolve("c/s" + s + ".npy"), Tensor.ofFloats(new long[] {2, 1, 64}, new float[128]));
        }
        Path config = Files.writeString(tmp.resolve("vad.json"), """
                { "model": { "model": "%s" },
                  "engine": { "data_source": "%s",
                              "reader": { "type": "npy", "inputs": { "input": "input", "sr": "sr", "h": "h",
                                                                     "c": "c" } } },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                     "params": { "preset": "performance" } } ] } }
                """.formatted(zoo("silero-vad.onnx"), data));
        E2e.CliRun r = E2e.cli("quantize", "-c", config.toString(), "--output-dir", tmp.resolve("vad-out").toString(),
                "--master", "local[2]");
        assertEquals(3, r.code(), r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("spark-ptq: ")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).contains("nothing to quantize") && errors.get(0).contains("inside If/Loop/Scan"),
                errors.get(0));
        assertFalse(r.out().contains("collecting statistics"), "refused before any Spark job: " + r.out());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}

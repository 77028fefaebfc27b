package dev.sparkptq.cli;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.BadImages;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static dev.sparkptq.cli.CliErrorsTest.assertOneLineError;
import static dev.sparkptq.cli.CliErrorsTest.cli;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quick mode as a new user meets it (issue 12): NHWC and 1/4-channel image inputs, dynamic image sizes, a model with
 * several inputs fed from one NPY sub-folder per input, and --eval-data-source; on local Spark through the CLI.
 */
class QuickIntakeTest {
    @TempDir
    Path tmp;

    /** x[1,H,W,C] NHWC → Transpose → Conv (W[2,C,3,3]) → y, or x[1,C,H,W] → Conv when {@code nhwc} is false. */
    static OnnxMl.ModelProto conv(int channels, boolean nhwc, long h, long w) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("conv")
                .addInitializer(TinyModels.floats("W", 5, 2, channels, 3, 3))
                .addInitializer(TinyModels.floats("B", 6, 2))
                .addOutput(floatInfo("y", 1, 2, h, w));
        if (nhwc) {
            g.addInput(floatInfo("img", 1, h, w, channels))
                    .addNode(node("Transpose", "to_nchw", List.of("img"), List.of("x"), ints("perm", 0, 3, 1, 2)));
        } else {
            g.addInput(floatInfo("x", 1, channels, h, w));
        }
        g.addNode(node("Conv", "conv", List.of("x", "W", "B"), List.of("y"), ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1)));
        return TinyModels.model(13, g);
    }

    private Path images(String name, int n, int w, int h) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (int i = 0; i < n; i++) {
            BadImages.good(dir.resolve(String.format("%s%02d.jpg", name, i)), "jpg", w + 8 * i, h + 4 * i, i);
        }
        return dir;
    }

    private CliErrorsTest.Run quick(Path model, Path data, String... extra) {
        List<String> argv = new java.util.ArrayList<>(List.of("quantize", "-q", "default", "--model",
                model.toString(), "--data-source", data.toString(), "--output-dir",
                tmp.resolve("out-" + model.getFileName() + "-" + extra.length).toString(), "--master", "local[1]"));
        argv.addAll(List.of(extra));
        return cli(argv.toArray(String[]::new));
    }

    private JsonNode report(Path model, int extras) throws Exception {
        return new ObjectMapper().readTree(tmp.resolve("out-" + model.getFileName() + "-" + extras)
                .resolve("report.json").toFile());
    }

    @Test
    void nhwcAndOneOrFourChannelImageInputsQuantizeFromImages() throws Exception {
        Path imgs = images("img", 3, 40, 30);
        for (Object[] c : new Object[][] {{4, true}, {1, false}, {3, true}}) {
            Path model = tmp.resolve("c" + c[0] + (((Boolean) c[1]) ? "-nhwc" : "-nchw") + ".onnx");
            ModelIo.save(conv((Integer) c[0], (Boolean) c[1], 16, 16), model);
            CliErrorsTest.Run r = quick(model, imgs);
            assertEquals(0, r.code(), model + ": " + r.err());
            JsonNode reader = report(model, 0).at("/config/engine/reader");
            assertEquals(((Boolean) c[1]) ? "NHWC" : "NCHW", reader.get("layout").asText(), reader.toString());
            assertEquals(3, report(model, 0).at("/calibration/samples_used").asInt());
        }
    }

    @Test
    void aDynamicImageSizeIsTheFirstImagesSizeRoundedToThirtyTwoForEveryImage() throws Exception {
        Path imgs = images("dyn", 3, 70, 50); // 70x50, 78x54, 86x58: different sizes, one tensor shape
        Path model = tmp.resolve("dynamic.onnx");
        ModelIo.save(BadModels.withInputShape(conv(3, false, -1, -1), -1, 3, -1, -1), model);
        CliErrorsTest.Run r = quick(model, imgs);
        assertEquals(0, r.code(), r.err());
        JsonNode reader = report(model, 0).at("/config/engine/reader");
        assertEquals("[64,64]", reader.get("letterbox").toString(), "70x50 → 64x64: " + reader);
        assertEquals(3, report(model, 0).at("/calibration/samples_used").asInt());
    }

    @Test
    void theDynamicSizeShrinksLargeImagesAndRoundsHalfToEven() {
        assertArrayEquals(new int[] {480, 640}, QuickReader.dynamicSize(new int[] {640, 480}));
        assertArrayEquals(new int[] {480, 640}, QuickReader.dynamicSize(new int[] {4000, 3000}), "shrunk");
        assertArrayEquals(new int[] {32, 64}, QuickReader.dynamicSize(new int[] {48, 10}), "48/32 = 1.5 → 2; ≥ 32");
        assertArrayEquals(new int[] {416, 640}, QuickReader.dynamicSize(new int[] {640, 427}));
    }

    /** x:0[1,2,4] @ w[1,4,3] → y: two activation inputs, one with a character a folder name should not hold. */
    private static OnnxMl.ModelProto twoInputs() {
        return TinyModels.model(13, OnnxMl.GraphProto.newBuilder().setName("two")
                .addInput(floatInfo("x:0", 1, 2, 4)).addInput(floatInfo("w", 1, 4, 3))
                .addOutput(floatInfo("y", 1, 2, 3))
                .addNode(node("MatMul", "mm", List.of("x:0", "w"), List.of("y"))));
    }

    @Test
    void aModelWithSeveralInputsNamesEachAndTakesOneNpyFolderPerInput() throws Exception {
        Path model = tmp.resolve("two.onnx");
        ModelIo.save(twoInputs(), model);
        CliErrorsTest.Run refused = quick(model, images("imgs", 2, 20, 20));
        assertOneLineError(refused, 4, "2 inputs 'x:0' FLOAT[1, 2, 4], 'w' FLOAT[1, 4, 3]");
        assertTrue(refused.err().contains("x_0/, w/"), refused.err());
        Path data = tmp.resolve("npy");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 3; i++) {
            float[] x = new float[8];
            float[] w = new float[12];
            for (int k = 0; k < 12; k++) {
                w[k] = (float) rnd.nextDouble(-1, 1);
                x[k % 8] = (float) rnd.nextDouble(-2, 2);
            }
            Npy.write(Files.createDirectories(data.resolve("x_0")).resolve("s" + i + ".npy"),
                    Tensor.ofFloats(new long[] {1, 2, 4}, x));
            Npy.write(Files.createDirectories(data.resolve("w")).resolve("s" + i + ".npy"),
                    Tensor.ofFloats(new long[] {1, 4, 3}, w));
        }
        CliErrorsTest.Run r = quick(model, data);
        assertEquals(0, r.code(), r.err());
        assertEquals(3, report(model, 0).at("/calibration/samples_used").asInt());
    }

    @Test
    void evalDataSourceIsWhatQuickModeEvaluatesOn() throws Exception {
        TinyRun t = TinyRun.create(tmp.resolve("run"), 4, 7);
        TinyRun e = TinyRun.create(tmp.resolve("eval"), 3, 8);
        CliErrorsTest.Run r = quick(t.model, t.data, "--evaluate", "--eval-data-source", e.data.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode metrics = report(t.model, 3).get("metrics");
        assertEquals(e.data.toAbsolutePath().toString(), metrics.get("data_source").asText(), metrics.toString());
        assertEquals(3, metrics.get("samples").asInt());
        assertEquals(0, metrics.get("samples_also_used_for_calibration").asInt());
    }
}

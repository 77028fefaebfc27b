package dev.sparkptq.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelIo#prepareForQuantization} on the real models in ../shared/models: the prepared model is at opset 13
 * and computes what the original computes in ONNX Runtime.
 */
class RealModelUpgradeTest {
    private static Path model(String file) {
        Path dir = Path.of(System.getProperty("sparkptq.shared.dir", "../shared")).toAbsolutePath().normalize()
                .resolve("models");
        assumeTrue(Files.isRegularFile(dir.resolve(file)), "../shared/models/" + file + " is not present next to "
                + "the repository; this test needs the shared models");
        return dir.resolve(file);
    }

    private static Tensor uniform(long seed, float lo, float hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return Tensor.ofFloats(shape, v);
    }

    /** Every element within {@code rel} of the original, relative to max(1, |original|). */
    private static void assertClose(float[] want, float[] got, double rel) {
        assertEquals(want.length, got.length);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]) / Math.max(1.0, Math.abs(want[i])));
        }
        assertTrue(worst <= rel, "largest relative difference " + worst + " exceeds " + rel);
    }

    private static OnnxMl.ModelProto prepareAndCompare(String file, String input, Tensor x, double rel) {
        OnnxMl.ModelProto original = ModelIo.load(model(file));
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(original);
        assertEquals(13, ModelIo.opset(prepared));
        assertTrue(ModelIo.supportsPerChannel(prepared));
        Map<String, float[]> want = OrtRunner.run(original, Map.of(input, x));
        Map<String, float[]> got = OrtRunner.run(prepared, Map.of(input, x));
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> assertClose(v, got.get(k), rel));
        return prepared;
    }

    @Test
    void yoloxNanoOpset11BecomesOpset13WithTheSameDetections() {
        assertEquals(11, ModelIo.opset(ModelIo.load(model("yolox_nano.onnx"))));
        prepareAndCompare("yolox_nano.onnx", "images", uniform(416, 0, 255, 1, 3, 416, 416), 1e-4);
    }

    @Test
    void mnist8Opset8BecomesOpset13WithTheSameLogits() {
        prepareAndCompare("mnist-8.onnx", "Input3", uniform(28, 0, 1, 1, 1, 28, 28), 1e-5);
    }

    @Test
    void squeezenetAtOpset13KeepsItsOps() {
        OnnxMl.ModelProto original = ModelIo.load(model("squeezenet1.1.onnx"));
        OnnxMl.ModelProto prepared = prepareAndCompare("squeezenet1.1.onnx", "data",
                uniform(224, -2, 2, 1, 3, 224, 224), 1e-6);
        assertEquals(original.getGraph().getNodeCount(), prepared.getGraph().getNodeCount());
    }
}

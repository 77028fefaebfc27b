package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MNIST-8 (an opset-8 CNTK model, upgraded to opset 13 on load) on the shared digits converted to NPY: calibrated on
 * 100 digits per class, evaluated on the other ~9,000; accuracy drop ≤ 0.3 points. Also checks that the same config
 * on local[1] with 1 partition and on local[2] with 4 partitions gives the same scales (1e-6 relative).
 */
@Tag("e2e")
public class MnistE2eTest {
    static final int PER_CLASS_CALIBRATION = 100;

    @Test
    void int8DropIsWithinPointThreeAndScalesDoNotDependOnPartitioning(@TempDir Path tmp) throws Exception {
        Path shared = E2e.shared();
        writeNpySplit(shared.resolve("data/mnist"), tmp);
        Path config = tmp.resolve("mnist-npy.json");
        Files.writeString(config, config(shared, 1));
        Path out1 = tmp.resolve("out1");
        E2e.cliOk("quantize", "-c", config.toString(), "--evaluate", "--output-dir", out1.toString(),
                "--master", "local[1]");
        JsonNode r1 = E2e.report(out1);
        JsonNode m = r1.get("metrics");
        double drop = m.get("drop").get("top1").asDouble();
        System.out.printf("MNIST top1 fp32 %.4f int8 %.4f drop %.4f on %d digits%n",
                m.get("fp32").get("top1").asDouble(), m.get("quantized").get("top1").asDouble(), drop,
                m.get("samples").asInt());
        assertTrue(m.get("samples").asInt() > 8000);
        assertTrue(m.get("fp32").get("top1").asDouble() > 0.98, "FP32 baseline must be sane");
        assertTrue(drop <= 0.003, "MNIST top-1 drop " + drop + " > 0.003");

        Files.writeString(config, config(shared, 4));
        Path out4 = tmp.resolve("out4");
        E2e.cliOk("quantize", "-c", config.toString(), "--output-dir", out4.toString(), "--master", "local[2]");
        JsonNode r4 = E2e.report(out4);
        assertEquals(4, r4.get("calibration").get("partitions").asInt());
        assertEquals(1, r1.get("calibration").get("partitions").asInt());
        JsonNode t1 = r1.get("quantization").get("tensors");
        JsonNode t4 = r4.get("quantization").get("tensors");
        assertEquals(t1.size(), t4.size());
        for (int i = 0; i < t1.size(); i++) {
            for (String f : List.of("scale_min", "scale_max", "range_min", "range_max")) {
                double a = t1.get(i).get(f).asDouble();
                double b = t4.get(i).get(f).asDouble();
                assertTrue(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)),
                        t1.get(i).get("tensor") + " " + f + ": " + a + " vs " + b);
            }
        }
    }

    /**
     * Digits as one [N,1,28,28] float array per split plus int64 labels, written with the project's NPY writer
     * (public: the cluster test quantizes the same data).
     */
    public static void writeNpySplit(Path mnist, Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<float[]> calib = new ArrayList<>();
        List<float[]> eval = new ArrayList<>();
        List<Long> calibLabels = new ArrayList<>();
        List<Long> evalLabels = new ArrayList<>();
        for (int digit = 0; digit < 10; digit++) {
            JsonNode data = json.readTree(mnist.resolve(digit + ".json").toFile()).get("data");
            int n = data.size() / 784;
            for (int s = 0; s < n; s++) {
                float[] img = new float[784];
                for (int k = 0; k < 784; k++) {
                    img[k] = (float) data.get(s * 784 + k).asDouble();
                }
                (s < PER_CLASS_CALIBRATION ? calib : eval).add(img);
                (s < PER_CLASS_CALIBRATION ? calibLabels : evalLabels).add((long) digit);
            }
        }
        write(dir.resolve("calib"), calib, calibLabels);
        write(dir.resolve("eval"), eval, evalLabels);
    }

    private static void write(Path dir, List<float[]> images, List<Long> labels) throws Exception {
        Files.createDirectories(dir);
        float[] all = new float[images.size() * 784];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * 784, 784);
        }
        Npy.write(dir.resolve("images.npy"), Tensor.ofFloats(new long[]{images.size(), 1, 28, 28}, all));
        Npy.write(dir.resolve("labels.npy"), Tensor.ofLongs(new long[]{labels.size()},
                labels.stream().mapToLong(Long::longValue).toArray()));
    }

    /**
     * {@code config} (any config whose JSON opens its engine object as <code>"engine": &#123;</code>) with
     * {@code engine.speed_guard: false}: for tests that compare model bytes between runs or need the INT8 model
     * itself — the guard decides by timing, and on MNIST-8's ~30 µs INT8 is not faster.
     */
    public static String withoutSpeedGuard(String config) {
        return config.replace("\"engine\": {", "\"engine\": { \"speed_guard\": false,");
    }

    public static String config(Path shared, int partitions) {
        return """
                // MNIST-8 on NPY tensors with a batch axis
                {
                  "model": { "model": "%s" },
                  "engine": {
                    "data_source": "calib/images.npy",
                    "eval_data_source": "eval/images.npy",
                    "reader": { "type": "npy", "batch_axis": true,
                                // no "file": each split's labels.npy next to its images.npy
                                "labels": { "from": "npy_file" } },
                    "metrics": [ { "name": "top1", "type": "accuracy", "top_k": 1 } ],
                    "num_partitions": %d
                  },
                  "compression": {
                    "algorithms": [ { "name": "DefaultQuantization",
                                      "params": { "preset": "performance", "stat_subset_size": 300,
                                                  "shuffle_data": true, "seed": 7 } } ]
                  }
                }
                """.formatted(shared.resolve("models/mnist-8.onnx"), partitions);
    }
}

package dev.sparkptq.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code use_layerwise_tuning} on MNIST-8 with low-bit (3-bit) weights, where rounding matters: calibrated on 100
 * digits per class, evaluated on the other ~9,000. Tuned accuracy ≥ untuned; every tuned layer's output MSE is no
 * higher than nearest rounding's; and the H pass over 1 partition and over 4 gives the same per-layer MSEs (1e-6
 * relative: the sums differ only in the order of double additions).
 */
@Tag("e2e")
class MnistLayerwiseTuningE2eTest {
    static final int BITS = 3;

    @Test
    void tuningLowBitWeightsIsNoWorseThanNearestRoundingAndDoesNotDependOnPartitioning(@TempDir Path tmp)
            throws Exception {
        Path shared = E2e.shared();
        MnistE2eTest.writeNpySplit(shared.resolve("data/mnist"), tmp);
        JsonNode plain = run(tmp, "plain", false, 2, "local[2]");
        JsonNode tuned = run(tmp, "tuned", true, 4, "local[2]");
        JsonNode single = run(tmp, "single", true, 1, "local[1]");

        double fp32 = plain.get("metrics").get("fp32").get("top1").asDouble();
        double before = plain.get("metrics").get("quantized").get("top1").asDouble();
        double after = tuned.get("metrics").get("quantized").get("top1").asDouble();
        JsonNode layers = tuned.get("layerwise_tuning").get("layers");
        System.out.printf("MNIST %d-bit weights: top1 fp32 %.4f, nearest %.4f, tuned %.4f on %d digits; "
                        + "layers %s; timings plain %s tuned %s%n", BITS, fp32, before, after,
                tuned.get("metrics").get("samples").asInt(), layers, plain.get("timings_ms"),
                tuned.get("timings_ms"));
        assertTrue(plain.get("layerwise_tuning") == null || plain.get("layerwise_tuning").isNull());
        assertEquals(3, layers.size(), "two Convs and the MatMul: " + layers);
        for (JsonNode l : layers) {
            assertTrue(l.get("mse_tuned").asDouble() <= l.get("mse_nearest").asDouble(), l.toString());
        }
        assertTrue(layers.get(1).get("mse_tuned").asDouble() < 0.9 * layers.get(1).get("mse_nearest").asDouble(),
                "the 8→16 channel Conv (d = 200) must gain: " + layers.get(1));
        assertTrue(after >= before, "tuned top-1 " + after + " < untuned " + before);

        JsonNode layers1 = single.get("layerwise_tuning").get("layers");
        assertEquals(4, tuned.get("calibration").get("partitions").asInt());
        assertEquals(1, single.get("calibration").get("partitions").asInt());
        for (int i = 0; i < layers.size(); i++) {
            for (String f : new String[] {"mse_nearest", "mse_tuned"}) {
                double a = layers.get(i).get(f).asDouble();
                double b = layers1.get(i).get(f).asDouble();
                assertTrue(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)), f + ": " + a + " vs " + b);
            }
            assertEquals(layers.get(i).get("vectors").asLong(), layers1.get(i).get("vectors").asLong());
        }
        assertNotNull(tuned.get("timings_ms").get("layerwise_tuning"));
    }

    private static JsonNode run(Path tmp, String name, boolean tune, int partitions, String master)
            throws Exception {
        Path config = tmp.resolve(name + ".json");
        Files.writeString(config, config(E2e.shared(), partitions, tune));
        Path out = tmp.resolve(name);
        E2e.cliOk("quantize", "-c", config.toString(), "--evaluate", "--output-dir", out.toString(), "--master",
                master);
        return E2e.report(out);
    }

    static String config(Path shared, int partitions, boolean tune) {
        return """
                {
                  "model": { "model": "%s" },
                  "engine": {
                    "data_source": "calib/images.npy",
                    "eval_data_source": "eval/images.npy",
                    "reader": { "type": "npy", "batch_axis": true, "labels": { "from": "npy_file" } },
                    "metrics": [ { "name": "top1", "type": "accuracy", "top_k": 1 } ],
                    "num_partitions": %d
                  },
                  "compression": {
                    "algorithms": [ { "name": "DefaultQuantization",
                                      "params": { "preset": "performance", "stat_subset_size": 300,
                                                  "shuffle_data": true, "seed": 7,
                                                  "weights": { "bits": %d },
                                                  "use_layerwise_tuning": %s } } ]
                  }
                }
                """.formatted(shared.resolve("models/mnist-8.onnx"), partitions, BITS, tune);
    }
}
